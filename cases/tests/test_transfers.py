"""Transfers between units: every transition, every bad input (cases/transfer_services.py)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.consent import Consent
from cases.models import Case, ChangeRecord, Transfer
from cases.transfer_services import transfer_accept, transfer_cancel, transfer_reject, transfer_request
from conftest import make_user
from locations.models import Unit
from scope.core import OutOfScope

from .factories import CaseFactory

S = Transfer.Status


def consent_for(child):
    return Consent.objects.create(
        child=child,
        party=Consent.Party.REPRESENTATIVE,
        purpose=Consent.Purpose.DATA_SHARING,
        given_on=dt.date(2024, 1, 1),
    )


@pytest.fixture
def target(units):
    """A commune valid today in current Quảng Ngãi, outside the successors of the test communes."""
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
    case = CaseFactory(commune=units.quang_trung)
    consent_for(case.child)
    return case


def request(case, target, by, **kwargs):
    return transfer_request(case=case, to_unit=target, reason="Gia đình chuyển nơi ở", by=by, **kwargs)


def test_request_is_pending_and_moves_nothing(cast, case, target):
    transfer = request(case, target, cast.commune)
    case.refresh_from_db()
    assert (transfer.status, transfer.to_unit, transfer.requested_by) == (S.PENDING, target, cast.commune)
    assert transfer.from_unit == case.commune
    assert case.commune == cast.commune.unit
    assert ChangeRecord.objects.filter(case=case, summary__contains=str(target)).count() == 1


def test_accept_moves_case_and_child_and_names_both_units(cast, units, case, target, receiver):
    case.assigned_to = cast.commune
    case.save()
    transfer = request(case, target, cast.commune)
    from_unit = transfer.from_unit
    transfer_accept(transfer=transfer, by=receiver)
    transfer.refresh_from_db()
    case.refresh_from_db()
    case.child.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == (S.ACCEPTED, receiver)
    assert transfer.decided_at is not None
    assert (case.commune, case.current_unit) == (target, target)
    assert (case.child.commune, case.child.current_unit) == (target, target)
    assert case.assigned_to is None  # the sending officer does not cover the new commune
    accepted = ChangeRecord.objects.filter(child=case.child, summary__contains=str(from_unit))
    assert accepted.filter(case=case, summary__contains=str(target)).exists()
    assert accepted.filter(case=None, summary__contains=str(target)).exists()


def test_accept_can_assign_a_receiving_officer(cast, case, target, receiver):
    transfer = transfer_accept(transfer=request(case, target, cast.commune), by=receiver, assign_to=receiver)
    case.refresh_from_db()
    assert case.assigned_to == receiver and transfer.status == S.ACCEPTED


def test_accept_refuses_an_assignee_of_another_unit(cast, case, target, receiver):
    transfer = request(case, target, cast.commune)
    with pytest.raises(ValidationError) as error:
        transfer_accept(transfer=transfer, by=receiver, assign_to=cast.peer_commune)
    assert "assign_to" in error.value.message_dict
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert transfer.status == S.PENDING and case.commune == cast.commune.unit


def test_accept_across_provinces(units, target, receiver):
    officer = make_user("pleiku", "commune_officer", units.pleiku_commune)
    case = CaseFactory(commune=units.pleiku_commune)
    consent_for(case.child)
    transfer_accept(transfer=request(case, target, officer), by=receiver)
    case.refresh_from_db()
    assert case.commune == target
    assert not Case.objects.visible_to(officer).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(receiver).filter(pk=case.pk).exists()


def test_reject_keeps_the_case(cast, case, target, receiver):
    transfer = transfer_reject(transfer=request(case, target, cast.commune), by=receiver, reason="Không đúng địa chỉ")
    case.refresh_from_db()
    assert (transfer.status, transfer.decision_reason, transfer.decided_by) == (
        S.REJECTED,
        "Không đúng địa chỉ",
        receiver,
    )
    assert case.commune == cast.commune.unit


def test_reject_needs_a_reason(cast, case, target, receiver):
    transfer = request(case, target, cast.commune)
    with pytest.raises(ValidationError) as error:
        transfer_reject(transfer=transfer, by=receiver, reason=" ")
    assert "reason" in error.value.message_dict
    transfer.refresh_from_db()
    assert transfer.status == S.PENDING


def test_cancel_by_the_sender(cast, case, target):
    transfer = transfer_cancel(transfer=request(case, target, cast.commune), by=cast.commune)
    assert transfer.status == S.CANCELLED
    # A new transfer may be asked once the first is no longer pending.
    assert request(case, target, cast.commune).status == S.PENDING


def test_the_receiver_cannot_cancel_and_the_sender_cannot_accept(cast, case, target, receiver):
    transfer = request(case, target, cast.commune)
    with pytest.raises(OutOfScope):
        transfer_cancel(transfer=transfer, by=receiver)
    with pytest.raises(OutOfScope):
        transfer_accept(transfer=transfer, by=cast.commune)
    with pytest.raises(OutOfScope):
        transfer_reject(transfer=transfer, by=cast.peer_commune, reason="x")
    transfer.refresh_from_db()
    assert transfer.status == S.PENDING


@pytest.mark.parametrize("answer", ["accept", "reject", "cancel"])
def test_an_answered_transfer_cannot_be_answered_again(cast, case, target, receiver, answer):
    transfer = request(case, target, cast.commune)
    transfer_reject(transfer=transfer, by=receiver, reason="Không")
    call = {
        "accept": lambda: transfer_accept(transfer=transfer, by=receiver),
        "reject": lambda: transfer_reject(transfer=transfer, by=receiver, reason="x"),
        "cancel": lambda: transfer_cancel(transfer=transfer, by=cast.commune),
    }[answer]
    with pytest.raises(ValidationError, match="đã được trả lời"):
        call()
    transfer.refresh_from_db()
    assert transfer.status == S.REJECTED


def test_accepting_twice(cast, case, target, receiver):
    transfer = request(case, target, cast.commune)
    transfer_accept(transfer=transfer, by=receiver)
    with pytest.raises(ValidationError, match="đã được trả lời"):
        transfer_accept(transfer=transfer, by=receiver)


def test_unknown_or_invalid_units(cast, units, case):
    for bad in (None, units.kontum, units.duy_tan):  # nothing, a province, a commune no longer valid
        with pytest.raises(ValidationError) as error:
            request(case, bad, cast.commune)
        assert "to_unit" in error.value.message_dict
    assert not Transfer.objects.exists()


def test_same_unit(cast, case):
    with pytest.raises(ValidationError, match="đã thuộc xã này"):
        request(case, case.current_unit, cast.commune)
    assert not Transfer.objects.exists()


def test_closed_case(cast, units, target):
    case = CaseFactory(commune=units.quang_trung)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, closed_on=dt.date(2024, 5, 1), outcome=Case.Outcome.NOT_ACHIEVED
    )
    with pytest.raises(ValidationError, match="hồ sơ đã đóng"):
        request(case, target, cast.commune)
    assert not Transfer.objects.exists()


def test_one_pending_per_case(cast, case, target):
    request(case, target, cast.commune)
    with pytest.raises(ValidationError) as error:
        request(case, target, cast.commune)
    assert "to_unit" in error.value.message_dict
    assert Transfer.objects.count() == 1


def test_out_of_scope_case(cast, case, target):
    with pytest.raises(OutOfScope):
        request(case, target, cast.peer_commune)
    assert not Transfer.objects.exists()


def test_without_consent_needs_a_managers_override(cast, units, target):
    case = CaseFactory(commune=units.quang_trung)
    with pytest.raises(ValidationError) as error:
        request(case, target, cast.commune)
    assert "consent_override_reason" in error.value.message_dict
    with pytest.raises(ValidationError, match="Chỉ lãnh đạo cấp tỉnh"):
        request(case, target, cast.commune, consent_override_reason="Khẩn cấp")
    assert not Transfer.objects.exists()
    # The province manager records the override with the reason, by sending the transfer.
    with pytest.raises(ValidationError) as error:
        request(case, target, cast.manager)
    assert "consent_override_reason" in error.value.message_dict
    transfer = request(case, target, cast.manager, consent_override_reason="Trẻ đang gặp nguy hiểm")
    assert (transfer.consent_override_by, transfer.consent_override_reason) == (
        cast.manager,
        "Trẻ đang gặp nguy hiểm",
    )


def test_a_manager_overrides_through_the_api_and_still_moves_no_case_otherwise(cast, units, target, client_for):
    from rest_framework.test import APIClient

    case = CaseFactory(commune=units.quang_trung)
    client = APIClient()
    client.force_authenticate(cast.manager)
    url = f"/api/v1/cases/{case.pk}/transfer/"
    refused = client.post(url, {"to_unit": target.code, "reason": "Chuyển nơi ở"}, format="json")
    assert refused.status_code == 400 and "consent_override_reason" in refused.json()
    body = {"to_unit": target.code, "reason": "Chuyển nơi ở", "consent_override_reason": "Trẻ gặp nguy hiểm"}
    assert client.post(url, body, format="json").status_code == 201
    assert Transfer.objects.get(case=case).consent_override_by == cast.manager
    # The role still writes no case: a workflow step is refused.
    step = client.post(f"/api/v1/cases/{case.pk}/transition/", {"to_status": "verified"}, format="json")
    assert step.status_code in (400, 403)
    assert Case.objects.get(pk=case.pk).status == Case.Status.RECEIVED


def test_withdrawn_consent_does_not_count(cast, units, target):
    case = CaseFactory(commune=units.quang_trung)
    consent = consent_for(case.child)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=dt.date(2024, 2, 1))
    with pytest.raises(ValidationError):
        request(case, target, cast.commune)


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_give_one_pending_transfer(cast, case, target):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            request(case, target, cast.commune)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.message_dict.get("to_unit", ["?"])[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and "ok" in outcomes
    assert any(o.startswith("Hồ sơ này đã có một yêu cầu chuyển đang chờ") for o in outcomes), outcomes
    assert Transfer.objects.filter(case=case, status=S.PENDING).count() == 1
