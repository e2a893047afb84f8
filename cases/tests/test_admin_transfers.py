"""Admin pages of transfers (cases/admin/transfers.py)."""

import datetime as dt

import pytest

from cases.consent import Consent
from cases.models import Transfer
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
def case(units):
    case = CaseFactory(commune=units.quang_trung)
    Consent.objects.create(
        child=case.child, party="representative", purpose=Consent.Purpose.DATA_SHARING, given_on=dt.date(2024, 1, 1)
    )
    return case


def test_case_page_sends_a_transfer(client_for, cast, case, target):
    client = client_for(cast.commune)
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    url = f"/admin/cases/transfer/request/{case.pk}/"
    assert url in page.content.decode()
    refused = client.post(url, {"to_unit": target.pk, "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert not Transfer.objects.exists()
    assert client.post(url, {"to_unit": target.pk, "reason": "Chuyển nơi ở"}).status_code == 302
    assert Transfer.objects.get().to_unit == target
    assert client_for(cast.peer_commune).get(url).status_code == 404


def test_receiver_answers_from_the_incoming_list(client_for, cast, case, target):
    receiver = make_user("receiver", "commune_officer", target)
    transfer = transfer_request(case=case, to_unit=target, reason="Chuyển nơi ở", by=cast.commune)
    client = client_for(receiver)
    listing = client.get("/admin/cases/transfer/?direction=incoming").content.decode()
    assert case.child.full_name in listing
    page = client.get(f"/admin/cases/transfer/{transfer.pk}/change/").content.decode()
    assert f"/admin/cases/case/{case.pk}/" not in page
    assert f"/admin/cases/transfer/{transfer.pk}/accept/" in page
    assert f"/admin/cases/transfer/{transfer.pk}/cancel/" not in page
    assert client_for(cast.peer_commune).post(f"/admin/cases/transfer/{transfer.pk}/accept/").status_code == 404
    client = client_for(receiver)
    assert client.post(f"/admin/cases/transfer/{transfer.pk}/reject/", {"reason": ""}).status_code == 200
    assert client.post(f"/admin/cases/transfer/{transfer.pk}/accept/", {"assign_to": receiver.pk}).status_code == 302
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert transfer.status == Transfer.Status.ACCEPTED and case.commune == target and case.assigned_to == receiver
    assert client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    again = client.post(f"/admin/cases/transfer/{transfer.pk}/accept/", {})
    assert again.status_code == 200
    assert "đã được trả lời" in str(again.context["form"].non_field_errors()), again.context["form"].errors
