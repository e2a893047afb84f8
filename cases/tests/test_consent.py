"""Consent records: the rules of one consent, the services, and the sharing rule."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.consent import Consent, sharing_check, sharing_consent_given
from cases.consent_services import consent_record, consent_withdraw
from cases.models import ChangeRecord
from scope.core import OutOfScope

from .factories import ChildFactory, ConsentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DS = Consent.Purpose.DATA_SHARING
REP = Consent.Party.REPRESENTATIVE


@pytest.fixture
def child(units):
    return ChildFactory(commune=units.quang_trung, date_of_birth=dt.date(2015, 3, 5), birth_year=2015)


def record(child, user, **extra):
    values = {"party": REP, "purpose": DS, "given_on": dt.date(2024, 5, 1), **extra}
    return consent_record(child=child, by=user, **values)


def test_recording_a_consent_writes_it_with_its_author_and_history(cast, child):
    consent = record(child, cast.commune, notes="Mẹ ký")
    stored = Consent.objects.get(pk=consent.pk)
    assert (stored.party, stored.purpose, stored.given_on, stored.recorded_by) == (
        REP,
        DS,
        dt.date(2024, 5, 1),
        cast.commune,
    )
    change = ChangeRecord.objects.get(child=child)
    assert change.user == cast.commune
    assert str(consent) in change.summary


def test_a_document_is_stored_in_an_unguessable_folder_and_checked(cast, child):
    consent = record(child, cast.commune, document=SimpleUploadedFile("dong-y.pdf", PDF))
    prefix, _year, folder, name = consent.document.name.split("/", 1)[0], *consent.document.name.split("/")[2:]
    assert (prefix, len(folder), name) == ("cases", 32, "dong-y.pdf")
    with pytest.raises(ValidationError) as exc:
        record(child, cast.commune, purpose=Consent.Purpose.PHOTOS, document=SimpleUploadedFile("x.exe", b"MZ"))
    assert "document" in exc.value.message_dict


@pytest.mark.parametrize("field", ["given_on", "withdrawn_on"])
def test_a_date_in_the_future_is_refused(cast, child, field):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        record(child, cast.commune, **{field: tomorrow})
    assert field in exc.value.message_dict
    assert not Consent.objects.exists()


def test_a_withdrawal_before_the_consent_is_refused(cast, child):
    with pytest.raises(ValidationError) as exc:
        record(child, cast.commune, withdrawn_on=dt.date(2024, 4, 30))
    assert "withdrawn_on" in exc.value.message_dict


def test_a_child_under_seven_is_not_a_party(cast, units):
    young = ChildFactory(commune=units.quang_trung, date_of_birth=dt.date(2019, 6, 1), birth_year=2019)
    with pytest.raises(ValidationError) as exc:
        record(young, cast.commune, party=Consent.Party.CHILD, given_on=dt.date(2026, 5, 31))
    assert "party" in exc.value.message_dict
    # From the seventh birthday on, the child's own consent counts.
    assert record(young, cast.commune, party=Consent.Party.CHILD, given_on=dt.date(2026, 6, 1)).pk


def test_a_child_known_by_birth_year_only_is_judged_by_the_year(cast, units):
    young = ChildFactory(commune=units.quang_trung, date_of_birth=None, birth_year=2020, birth_year_only=True)
    with pytest.raises(ValidationError):
        record(young, cast.commune, party=Consent.Party.CHILD, given_on=dt.date(2026, 1, 1))


def test_a_second_open_consent_of_the_same_party_and_purpose_is_refused(cast, child):
    record(child, cast.commune)
    with pytest.raises(ValidationError) as exc:
        record(child, cast.commune, given_on=dt.date(2024, 6, 1))
    assert "purpose" in exc.value.message_dict
    # Another purpose, another party, or after the withdrawal: all fine.
    record(child, cast.commune, purpose=Consent.Purpose.PHOTOS)
    record(child, cast.commune, party=Consent.Party.CHILD)
    first = Consent.objects.get(child=child, party=REP, purpose=DS)
    consent_withdraw(consent=first, withdrawn_on=dt.date(2024, 7, 1), by=cast.commune)
    assert record(child, cast.commune, given_on=dt.date(2024, 8, 1)).pk


def test_the_database_keeps_one_open_consent_per_party_and_purpose(child):
    ConsentFactory(child=child)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(child=child, party=REP, purpose=DS, given_on=dt.date(2024, 6, 1))


def test_withdrawing_keeps_the_record_and_says_so_in_the_history(cast, child):
    consent = record(child, cast.commune)
    consent_withdraw(consent=consent, withdrawn_on=dt.date(2024, 9, 2), by=cast.commune)
    stored = Consent.objects.get(pk=consent.pk)
    assert stored.withdrawn_on == dt.date(2024, 9, 2)
    assert ChangeRecord.objects.filter(child=child, summary__contains="02/09/2024").count() == 1
    with pytest.raises(ValidationError) as exc:
        consent_withdraw(consent=stored, withdrawn_on=dt.date(2024, 9, 3), by=cast.commune)
    assert "withdrawn_on" in exc.value.message_dict


def test_out_of_scope_and_roles_without_the_permission_are_refused(cast, child):
    with pytest.raises(OutOfScope):
        record(child, cast.peer_commune)
    with pytest.raises(PermissionDenied):
        record(child, cast.manager)
    consent = record(child, cast.commune)
    # A collaborator records consent at intake but does not withdraw it.
    with pytest.raises(PermissionDenied):
        consent_withdraw(consent=consent, withdrawn_on=dt.date(2024, 9, 2), by=cast.collaborator)
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_a_collaborator_records_consent_for_a_child_they_reported_only(cast, child, units):
    own = ChildFactory(commune=units.quang_trung, reported_by=cast.collaborator)
    assert record(own, cast.collaborator).recorded_by == cast.collaborator
    with pytest.raises(OutOfScope):
        record(child, cast.collaborator)


# The sharing rule (docs/contract/data-protection.md, "Consent") -------------------------------


def test_sharing_needs_a_consent_in_force_on_the_day(cast, child):
    consent = record(child, cast.commune, given_on=dt.date(2024, 5, 1), withdrawn_on=dt.date(2024, 8, 1))
    assert not sharing_consent_given(child, on=dt.date(2024, 4, 30))
    assert sharing_consent_given(child, on=dt.date(2024, 5, 1))
    assert not sharing_consent_given(child, on=dt.date(2024, 8, 1))
    assert sharing_check(child=child, on=dt.date(2024, 6, 1), user=cast.commune) is False
    with pytest.raises(ValidationError) as exc:
        sharing_check(child=child, on=dt.date(2024, 8, 1), user=cast.commune)
    assert "consent_override_reason" in exc.value.message_dict
    assert consent.pk


def test_other_purposes_do_not_allow_sharing(cast, child):
    record(child, cast.commune, purpose=Consent.Purpose.CASE_MANAGEMENT)
    with pytest.raises(ValidationError):
        sharing_check(child=child, on=dt.date(2024, 6, 1), user=cast.commune)


def test_an_archived_consent_does_not_allow_sharing(cast, child):
    from scope.archive import record_archive

    consent = record(child, cast.commune)
    record_archive(record=consent, user=cast.commune)
    assert not sharing_consent_given(child, on=dt.date(2024, 6, 1))


def test_only_a_manager_overrides_and_only_with_a_reason(cast, child):
    on = dt.date(2024, 6, 1)
    with pytest.raises(ValidationError):
        sharing_check(child=child, on=on, user=cast.manager, override_reason="   ")
    with pytest.raises(ValidationError) as exc:
        sharing_check(child=child, on=on, user=cast.commune, override_reason="Khẩn cấp")
    assert "consent_override_reason" in exc.value.message_dict
    assert sharing_check(child=child, on=on, user=cast.manager, override_reason="Khẩn cấp") is True
    assert sharing_check(child=child, on=on, user=cast.superuser, override_reason="Khẩn cấp") is True
