"""``POST children/{id}/consents/``, ``…/consents/{id}/withdraw/`` and the child's ``consents``."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AccessEvent
from cases.consent import Consent
from cases.models import ChangeRecord

from .factories import ChildFactory, ConsentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BODY = {"party": "representative", "purpose": "data_sharing", "given_on": "2024-05-01"}


@pytest.fixture
def child(units):
    return ChildFactory(commune=units.quang_trung, date_of_birth=dt.date(2015, 3, 5), birth_year=2015)


def url(child, *rest):
    return "/".join([f"/api/v1/children/{child.pk}/consents", *map(str, rest)]) + "/"


def test_a_consent_is_recorded_and_listed_in_the_child(client_for, cast, child):
    client = client_for(cast.commune)
    response = client.post(url(child), {**BODY, "notes": "Mẹ ký"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["recorded_by"] == "commune"
    consent = Consent.objects.get(child=child)
    assert consent.notes == "Mẹ ký"
    assert AccessEvent.objects.filter(child_id=child.pk).exists()
    detail = client.get(f"/api/v1/children/{child.pk}/").json()
    assert [(c["id"], c["purpose"], c["withdrawn_on"]) for c in detail["consents"]] == [
        (consent.pk, "data_sharing", None)
    ]


def test_a_document_goes_by_multipart_and_comes_back_as_a_protected_link(client_for, cast, child):
    client = client_for(cast.commune)
    response = client.post(url(child), {**BODY, "document": SimpleUploadedFile("dong-y.pdf", PDF)})
    assert response.status_code == 201, response.content
    consent = Consent.objects.get(child=child)
    assert consent.document.name.endswith("dong-y.pdf")
    assert response.json()["document"].endswith(f"/files/cases/consent/{consent.pk}/document/")
    download = client.get(response.json()["document"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"party": "uncle"}, "party"),
        ({"purpose": ""}, "purpose"),
        ({"given_on": "31/02/2024"}, "given_on"),
        ({"given_on": None}, "given_on"),
        ({"withdrawn_on": "2024-04-01"}, "withdrawn_on"),
        ({"party": "child", "given_on": "2021-01-01"}, "party"),
    ],
)
def test_bad_input_is_400_on_the_field(client_for, cast, child, change, field):
    response = client_for(cast.commune).post(url(child), {**BODY, **change}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Consent.objects.exists()


def test_a_future_date_and_a_second_open_consent_are_400(client_for, cast, child):
    client = client_for(cast.commune)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(url(child), {**BODY, "given_on": tomorrow}, content_type="application/json")
    assert response.status_code == 400 and "given_on" in response.json()
    assert client.post(url(child), BODY, content_type="application/json").status_code == 201
    response = client.post(url(child), {**BODY, "given_on": "2024-06-01"}, content_type="application/json")
    assert response.status_code == 400 and "purpose" in response.json()
    assert Consent.objects.filter(child=child).count() == 1


def test_a_child_out_of_scope_is_404(client_for, cast, child):
    consent = ConsentFactory(child=child)
    client = client_for(cast.peer_commune)
    assert client.post(url(child), BODY, content_type="application/json").status_code == 404
    response = client.post(url(child, consent.pk, "withdraw"), {"withdrawn_on": "2024-06-01"})
    assert response.status_code == 404
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_a_consent_of_another_child_is_404(client_for, cast, child, units):
    other = ConsentFactory(child=ChildFactory(commune=units.quang_trung))
    response = client_for(cast.commune).post(url(child, other.pk, "withdraw"), {"withdrawn_on": "2024-06-01"})
    assert response.status_code == 404


def test_roles_without_the_permission_are_403(client_for, cast, child):
    consent = ConsentFactory(child=child)
    assert client_for(cast.manager).post(url(child), BODY, content_type="application/json").status_code == 403
    own = ChildFactory(commune=child.commune, reported_by=cast.collaborator)
    own_consent = ConsentFactory(child=own)
    client = client_for(cast.collaborator)
    # Collaborators record consent at intake, for the children they reported, but do not withdraw it.
    assert client.post(url(own), {**BODY, "purpose": "photos"}, content_type="application/json").status_code == 201
    response = client.post(url(own, own_consent.pk, "withdraw"), {"withdrawn_on": "2024-06-01"})
    assert response.status_code == 403
    assert client.post(url(child), BODY, content_type="application/json").status_code == 404
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_withdrawing_dates_the_consent_and_keeps_it(client_for, cast, child):
    consent = ConsentFactory(child=child)
    client = client_for(cast.commune)
    response = client.post(url(child, consent.pk, "withdraw"), {"withdrawn_on": "2024-09-02"})
    assert response.status_code == 200, response.content
    assert response.json()["withdrawn_on"] == "2024-09-02"
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == dt.date(2024, 9, 2)
    assert ChangeRecord.objects.filter(child=child, summary__contains="02/09/2024").exists()
    again = client.post(url(child, consent.pk, "withdraw"), {"withdrawn_on": "2024-09-03"})
    assert again.status_code == 400 and "withdrawn_on" in again.json()


@pytest.mark.parametrize(
    "body", [{}, {"withdrawn_on": "hôm qua"}, {"withdrawn_on": "2024-04-30"}, {"withdrawn_on": "2999-01-01"}]
)
def test_a_bad_withdrawal_is_400_on_the_field(client_for, cast, child, body):
    consent = ConsentFactory(child=child)
    response = client_for(cast.commune).post(url(child, consent.pk, "withdraw"), body)
    assert response.status_code == 400, response.content
    assert "withdrawn_on" in response.json()
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_archived_consents_are_not_listed(client_for, cast, child):
    from scope.archive import record_archive

    consent = ConsentFactory(child=child)
    record_archive(record=consent, user=cast.commune)
    assert client_for(cast.commune).get(f"/api/v1/children/{child.pk}/").json()["consents"] == []
