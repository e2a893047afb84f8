"""Referrals to services: every transition and every bad input (cases/referral_services.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.consent import Consent
from cases.models import Case, ChangeRecord, Referral, ReferralStep
from cases.referral_services import REFERRAL_TRANSITIONS, referral_send, referral_set_status
from scope.core import OutOfScope

from .factories import CaseFactory

S = Referral.Status
ALLOWED = [(a, b) for a, nexts in REFERRAL_TRANSITIONS.items() for b in nexts]
REFUSED = [(a, b) for a in S.values for b in S.values if (a, b) not in ALLOWED]


@pytest.fixture
def case(units):
    case = CaseFactory(commune=units.quang_trung)
    Consent.objects.create(
        child=case.child, party="representative", purpose=Consent.Purpose.DATA_SHARING, given_on=dt.date(2024, 1, 1)
    )
    return case


def send(case, by, **kwargs):
    values = {"service": "health", "provider": "Trạm y tế phường", "reason": "Khám sức khỏe"} | kwargs
    return referral_send(case=case, by=by, **values)


def test_send_records_the_first_step(cast, case):
    due = timezone.localdate() + dt.timedelta(days=3)
    referral = send(case, cast.commune, due_on=due)
    assert (referral.status, referral.sent_by, referral.due_on, referral.shares_file) == (
        S.SENT,
        cast.commune,
        due,
        True,
    )
    step = referral.steps.get()
    assert (step.from_status, step.to_status, step.user) == ("", S.SENT, cast.commune)
    assert ChangeRecord.objects.filter(case=case, summary__contains="Trạm y tế phường").exists()


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition_is_recorded(cast, case, from_status, to_status):
    referral = send(case, cast.commune)
    Referral.objects.filter(pk=referral.pk).update(status=from_status)
    step = referral_set_status(referral=referral, status=to_status, by=cast.commune, note="Đã gọi điện")
    referral.refresh_from_db()
    assert referral.status == to_status
    assert (step.from_status, step.to_status, step.user, step.note) == (
        from_status,
        to_status,
        cast.commune,
        "Đã gọi điện",
    )
    assert (referral.answered_at is not None) == (to_status in {S.ACCEPTED, S.DECLINED})


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_refused_transition_changes_nothing(cast, case, from_status, to_status):
    referral = send(case, cast.commune)
    Referral.objects.filter(pk=referral.pk).update(status=from_status)
    with pytest.raises(ValidationError) as error:
        referral_set_status(referral=referral, status=to_status, by=cast.commune, note="")
    assert "status" in error.value.message_dict
    referral.refresh_from_db()
    assert referral.status == from_status and referral.answered_at is None
    assert ReferralStep.objects.filter(referral=referral).count() == 1


def test_unknown_status(cast, case):
    referral = send(case, cast.commune)
    with pytest.raises(ValidationError) as error:
        referral_set_status(referral=referral, status="lost", by=cast.commune)
    assert "status" in error.value.message_dict


def test_unknown_service(cast, case):
    with pytest.raises(ValidationError) as error:
        send(case, cast.commune, service="astrology")
    assert "service" in error.value.message_dict
    assert not Referral.objects.exists()


def test_missing_provider_and_reason(cast, case):
    with pytest.raises(ValidationError) as error:
        send(case, cast.commune, provider=" ", reason="")
    assert {"provider", "reason"} <= set(error.value.message_dict)
    assert not Referral.objects.exists()


def test_due_in_the_past(cast, case):
    with pytest.raises(ValidationError) as error:
        send(case, cast.commune, due_on=dt.date(2020, 1, 1))
    assert "due_on" in error.value.message_dict


def test_closed_case(cast, case):
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, closed_on=dt.date(2024, 5, 1), outcome=Case.Outcome.NOT_ACHIEVED
    )
    with pytest.raises(ValidationError, match="đã đóng"):
        send(case, cast.commune)


def test_out_of_scope(cast, case):
    with pytest.raises(OutOfScope):
        send(case, cast.peer_commune)
    referral = send(case, cast.commune)
    with pytest.raises(OutOfScope):
        referral_set_status(referral=referral, status=S.ACCEPTED, by=cast.peer_commune)
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_viewer_may_not_refer(cast, case):
    with pytest.raises(ValidationError):
        send(case, cast.viewer)
    assert not Referral.objects.exists()


def test_sharing_the_file_needs_consent(cast, units):
    case = CaseFactory(commune=units.quang_trung)
    with pytest.raises(ValidationError) as error:
        send(case, cast.commune)
    assert "consent_override_reason" in error.value.message_dict
    # A referral that does not send the file needs no consent.
    assert send(case, cast.commune, shares_file=False).status == S.SENT
    referral = send(case, cast.superuser, consent_override_reason="Cấp cứu")
    assert referral.consent_override_by == cast.superuser
