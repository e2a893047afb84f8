"""The consent inline on the child's page: recorded, withdrawn and archived through the consent service."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.consent import Consent
from cases.models import ChangeRecord, Child

from .factories import ChildFactory, ConsentFactory
from .test_admin import child_post

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def consent_rows(*rows, initial=0):
    data = {"consents-TOTAL_FORMS": len(rows), "consents-INITIAL_FORMS": initial}
    for i, row in enumerate(rows):
        data.update({f"consents-{i}-{name}": value for name, value in row.items()})
    return data


NEW = {"party": "representative", "purpose": "data_sharing", "given_on": "01/05/2024", "notes": "Mẹ ký"}


@pytest.fixture
def child(units):
    return ChildFactory(commune=units.quang_trung, date_of_birth=dt.date(2015, 3, 5), birth_year=2015)


def test_the_child_page_records_a_consent_with_its_document(client_for, cast, child):
    url = reverse("admin:cases_child_change", args=[child.pk])
    client = client_for(cast.commune)
    assert b"consents-TOTAL_FORMS" in client.get(url).content
    data = child_post(child, **consent_rows({**NEW, "document": SimpleUploadedFile("dong-y.pdf", PDF)}))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][2].formset.errors
    consent = Consent.objects.get(child=child)
    assert (consent.recorded_by, consent.notes) == (cast.commune, "Mẹ ký")
    assert ChangeRecord.objects.filter(child=child, summary__contains=str(consent)).exists()
    # The document is offered through the protected download link.
    page = client.get(url).content.decode()
    assert f"/files/cases/consent/{consent.pk}/document/" in page


def test_a_withdrawal_is_an_edit_of_the_date(client_for, cast, child):
    consent = ConsentFactory(child=child)
    url = reverse("admin:cases_child_change", args=[child.pk])
    row = {"id": consent.pk, "child": child.pk, "party": consent.party, "purpose": consent.purpose}
    row.update({"given_on": "01/05/2024", "withdrawn_on": "02/09/2024"})
    response = client_for(cast.commune).post(url, child_post(child, **consent_rows(row, initial=1)))
    assert response.status_code == 302
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == dt.date(2024, 9, 2)
    assert ChangeRecord.objects.filter(child=child, summary__contains="02/09/2024").exists()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"given_on": "01/01/2999"}, "given_on"),
        ({"withdrawn_on": "30/04/2024"}, "withdrawn_on"),
        ({"party": "child", "given_on": "01/01/2021"}, "party"),
    ],
)
def test_bad_rows_are_form_errors(client_for, cast, child, row, field):
    url = reverse("admin:cases_child_change", args=[child.pk])
    response = client_for(cast.commune).post(url, child_post(child, **consent_rows({**NEW, **row})))
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Consent)
    assert field in formset.errors[0]
    assert not Consent.objects.exists()


def test_a_second_open_consent_is_a_form_error_stored_or_in_the_same_submission(client_for, cast, child):
    url = reverse("admin:cases_child_change", args=[child.pk])
    client = client_for(cast.commune)
    twice = client.post(url, child_post(child, **consent_rows(NEW, {**NEW, "given_on": "02/05/2024"})))
    assert twice.status_code == 200 and not Consent.objects.exists()
    ConsentFactory(child=child)
    again = client.post(url, child_post(child, **consent_rows(NEW)))
    assert again.status_code == 200
    formset = next(f.formset for f in again.context["inline_admin_formsets"] if f.formset.model is Consent)
    assert "purpose" in formset.errors[0]
    assert Consent.objects.filter(child=child).count() == 1


def test_a_collaborator_records_consent_when_adding_a_child(client_for, cast, units):
    born = dt.date(2016, 5, 1)
    new = Child(full_name="Mới Báo", date_of_birth=born, birth_year=2016, sex="M", commune=units.quang_trung)
    data = child_post(new, **consent_rows({**NEW, "party": "child", "given_on": "01/06/2024"}))
    response = client_for(cast.collaborator).post(reverse("admin:cases_child_add"), data)
    assert response.status_code == 302
    consent = Consent.objects.get(child__full_name="Mới Báo")
    assert (consent.party, consent.recorded_by) == ("child", cast.collaborator)


def test_a_too_young_child_is_refused_on_the_add_page_too(client_for, cast, units):
    born = dt.date(2020, 5, 1)
    new = Child(full_name="Bé Nhỏ", date_of_birth=born, birth_year=2020, sex="M", commune=units.quang_trung)
    data = child_post(new, **consent_rows({**NEW, "party": "child", "given_on": "01/06/2024"}))
    response = client_for(cast.collaborator).post(reverse("admin:cases_child_add"), data)
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Consent)
    assert "party" in formset.errors[0]
    assert not Child.objects.filter(full_name="Bé Nhỏ").exists()


def test_a_collaborator_does_not_change_a_recorded_consent(client_for, cast, units, rf):
    from django.contrib import admin

    from cases.admin.consent import ConsentInline

    request = rf.get("/")
    request.user = cast.collaborator
    inline = ConsentInline(Child, admin.site)
    assert inline.has_add_permission(request, None)
    assert not inline.has_change_permission(request, None)


def test_the_child_page_queries_do_not_grow_with_its_consents(client_for, cast, units):
    from .test_admin import _count_queries

    one, five = (ChildFactory(commune=units.quang_trung) for _ in range(2))
    ConsentFactory(child=one, recorded_by=cast.commune)
    for purpose, party in [(p, q) for p in Consent.Purpose.values for q in Consent.Party.values][:5]:
        ConsentFactory(child=five, purpose=purpose, party=party, recorded_by=cast.district)
    client = client_for(cast.commune)
    page = "admin:cases_child_change"
    assert _count_queries(client, reverse(page, args=[one.pk])) == _count_queries(client, reverse(page, args=[five.pk]))
