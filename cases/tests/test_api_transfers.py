"""API of transfers and referrals (cases/api_transfers.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from cases.consent import Consent
from cases.models import Case, Referral, Transfer
from cases.transfer_services import transfer_request
from conftest import make_user
from locations.models import Unit

from .factories import CaseFactory


@pytest.fixture
def target(units):
    return (
        Unit.objects.filter(edition="current", level="commune", parent__code="51")
        .exclude(pk=units.kontum_ward.pk)
        .order_by("code")
        .last()
    )


@pytest.fixture
def receiver(target):
    return make_user("receiver", "commune_officer", target)


@pytest.fixture
def case(units):
    case = CaseFactory(commune=units.quang_trung, abuse_details="chi tiết")
    Consent.objects.create(
        child=case.child, party="representative", purpose=Consent.Purpose.DATA_SHARING, given_on=dt.date(2024, 1, 1)
    )
    return case


@pytest.fixture
def pending(cast, case, target):
    return transfer_request(case=case, to_unit=target, reason="Chuyển nơi ở", by=cast.commune)


def test_request_transfer(client_for, cast, case, target):
    response = client_for(cast.commune).post(
        f"/api/v1/cases/{case.pk}/transfer/", {"to_unit": target.code, "reason": "Chuyển nơi ở"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["to_unit"] == target.code and response.json()["case"] == case.pk
    assert Transfer.objects.get().status == Transfer.Status.PENDING


@pytest.mark.parametrize(
    ("body", "field"),
    [({"to_unit": "99999", "reason": "x"}, "to_unit"), ({"to_unit": "23281", "reason": "x"}, "to_unit"),
     ({"to_unit": "TARGET"}, "reason")],
)  # fmt: skip
def test_request_bad_input_is_400_with_the_field(client_for, cast, case, target, body, field):
    body = {k: (target.code if v == "TARGET" else v) for k, v in body.items()}
    response = client_for(cast.commune).post(f"/api/v1/cases/{case.pk}/transfer/", body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Transfer.objects.exists()


def test_request_twice_is_400(client_for, cast, case, target, pending):
    response = client_for(cast.commune).post(
        f"/api/v1/cases/{case.pk}/transfer/", {"to_unit": target.code, "reason": "x"}
    )
    assert response.status_code == 400 and "to_unit" in response.json()


def test_request_out_of_scope_is_404_and_viewer_403(client_for, cast, case, target):
    body = {"to_unit": target.code, "reason": "x"}
    assert client_for(cast.peer_commune).post(f"/api/v1/cases/{case.pk}/transfer/", body).status_code == 404
    assert client_for(cast.viewer).post(f"/api/v1/cases/{case.pk}/transfer/", body).status_code == 403
    assert not Transfer.objects.exists()


def test_receiver_lists_the_summary_only(client_for, receiver, pending, case):
    response = client_for(receiver).get("/api/v1/transfers/?direction=incoming")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["case"] is None
    assert row["child_name"] == case.child.full_name and row["child_sex"] == case.child.sex
    assert row["child_age"] == case.child.age_on(timezone.localdate())
    assert not {"personal_id", "abuse_details", "notes", "case_ref"} & set(row)
    assert AccessEvent.objects.filter(user=receiver, model="cases.transfer", child_id=case.child_id).exists()
    assert client_for(receiver).get("/api/v1/transfers/?direction=outgoing").json()["results"] == []
    assert client_for(receiver).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_direction_filter(client_for, cast, pending):
    assert [
        r["id"] for r in client_for(cast.commune).get("/api/v1/transfers/?direction=outgoing").json()["results"]
    ] == [pending.pk]
    assert client_for(cast.commune).get("/api/v1/transfers/?direction=incoming").json()["results"] == []
    assert client_for(cast.commune).get("/api/v1/transfers/?direction=sideways").status_code == 400


def test_accept_moves_the_case(client_for, receiver, pending, case, target):
    response = client_for(receiver).post(f"/api/v1/transfers/{pending.pk}/accept/", {"assign_to": "receiver"})
    assert response.status_code == 200, response.json()
    assert response.json()["case"] == case.pk
    case.refresh_from_db()
    assert case.commune == target and case.assigned_to == receiver
    again = client_for(receiver).post(f"/api/v1/transfers/{pending.pk}/accept/")
    assert again.status_code == 400


def test_accept_with_unknown_assignee(client_for, receiver, pending):
    response = client_for(receiver).post(f"/api/v1/transfers/{pending.pk}/accept/", {"assign_to": "nobody"})
    assert response.status_code == 400 and "assign_to" in response.json()
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING


@pytest.mark.parametrize("who", ["commune", "peer_commune", "other_province"])
def test_accept_by_another_unit_is_404(client_for, cast, pending, who):
    response = client_for(getattr(cast, who)).post(f"/api/v1/transfers/{pending.pk}/accept/")
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING


def test_reject_and_cancel(client_for, cast, receiver, pending, case, target):
    assert client_for(receiver).post(f"/api/v1/transfers/{pending.pk}/reject/", {}).status_code == 400
    assert client_for(receiver).post(f"/api/v1/transfers/{pending.pk}/cancel/").status_code == 404
    response = client_for(receiver).post(f"/api/v1/transfers/{pending.pk}/reject/", {"reason": "Sai địa chỉ"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    again = transfer_request(case=case, to_unit=target, reason="Lần hai", by=cast.commune)
    response = client_for(cast.commune).post(f"/api/v1/transfers/{again.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_referrals_through_the_case(client_for, cast, case):
    client = client_for(cast.commune)
    due = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    body = {"service": "health", "provider": "Trạm y tế", "reason": "Khám", "due_on": due}
    response = client.post(f"/api/v1/cases/{case.pk}/referrals/", body)
    assert response.status_code == 201, response.json()
    referral_id = response.json()["id"]
    assert [r["id"] for r in client.get(f"/api/v1/cases/{case.pk}/").json()["referrals"]] == [referral_id]
    response = client.post(f"/api/v1/referrals/{referral_id}/status/", {"status": "accepted", "note": "Đã nhận"})
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert [s["to_status"] for s in response.json()["steps"]] == ["sent", "accepted"]
    response = client.post(f"/api/v1/referrals/{referral_id}/status/", {"status": "sent"})
    assert response.status_code == 400 and "status" in response.json()


def test_referral_bad_input(client_for, cast, case):
    client = client_for(cast.commune)
    response = client.post(
        f"/api/v1/cases/{case.pk}/referrals/", {"service": "astrology", "provider": "x", "reason": "y"}
    )
    assert response.status_code == 400 and "service" in response.json()
    assert (
        client_for(cast.peer_commune)
        .post(f"/api/v1/cases/{case.pk}/referrals/", {"service": "health", "provider": "x", "reason": "y"})
        .status_code
        == 404
    )
    assert client_for(cast.viewer).get("/api/v1/referrals/").status_code == 403
    assert not Referral.objects.exists()


def test_referral_status_out_of_scope_is_404(client_for, cast, case):
    client_for(cast.commune).post(
        f"/api/v1/cases/{case.pk}/referrals/", {"service": "police", "provider": "CA", "reason": "y"}
    )
    referral = Referral.objects.get()
    response = client_for(cast.peer_commune).post(f"/api/v1/referrals/{referral.pk}/status/", {"status": "accepted"})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).referrals.get().status == "sent"
