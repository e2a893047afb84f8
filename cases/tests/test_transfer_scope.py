"""A transfer moves a record between scopes (cases/transfer_services.py).

Before acceptance the receiving unit sees the transfer's summary and nothing of the case: not the
case, the child, its history, attachments, forms or files. After acceptance the sender sees none of
them and the receiver all of them.
"""

import datetime as dt

import pytest
from django.apps import apps

from cases.consent import Consent
from cases.models import Case, Child, Transfer
from cases.transfer_services import transfer_accept, transfer_request
from conftest import make_user
from locations.models import Unit
from tests import scope_world

from .factories import CaseFactory

# Records of a case or its child, built by the scope matrix's builders and then attached to the
# transferred case: (model, the field pointing at the case or child, which of the two).
CASE_RECORDS = [
    ("cases.CaseTransition", "case"),
    ("cases.SupportPlan", "case"),
    ("cases.ServiceDelivery", "case"),
    ("cases.CaseNote", "case"),
    ("cases.CaseForm", "case"),
    ("cases.CaseAttachment", "case"),
    ("cases.Incident", "case"),
    ("cases.Referral", "case"),
]
CHILD_RECORDS = [("cases.ChangeRecord", "child"), ("cases.Consent", "child"), ("cases.ChildCategory", "child")]


@pytest.fixture
def world(units):
    target = (
        Unit.objects.filter(edition="current", level="commune", parent__code="51")
        .exclude(pk=units.kontum_ward.pk)
        .order_by("code")
        .last()
    )
    case = CaseFactory(commune=units.quang_trung)
    Consent.objects.create(
        child=case.child, party="representative", purpose=Consent.Purpose.DATA_SHARING, given_on=dt.date(2024, 1, 1)
    )
    records = {}
    for label, field in CASE_RECORDS + CHILD_RECORDS:
        model = apps.get_model(label)
        row = scope_world.BUILDERS[model](units.quang_trung)
        model.objects.filter(pk=row.pk).update(**{field: case if field == "case" else case.child})
        records[label] = row.pk
    return {"case": case, "target": target, "records": records}


def sees(user, world):
    """What ``user`` sees of the world: the labels of the visible models."""
    case = world["case"]
    seen = set()
    if Case.objects.visible_to(user).filter(pk=case.pk).exists():
        seen.add("cases.Case")
    if Child.objects.visible_to(user).filter(pk=case.child_id).exists():
        seen.add("cases.Child")
    for label, pk in world["records"].items():
        if apps.get_model(label).objects.visible_to(user).filter(pk=pk).exists():
            seen.add(label)
    return seen


ALL = {"cases.Case", "cases.Child", *(label for label, _ in CASE_RECORDS + CHILD_RECORDS)}


def test_nothing_leaks_before_acceptance_and_everything_moves_after(cast, client_for, world):
    receiver = make_user("receiver", "commune_officer", world["target"])
    case = world["case"]
    assert sees(cast.commune, world) == ALL
    assert sees(receiver, world) == set()

    transfer = transfer_request(case=case, to_unit=world["target"], reason="Chuyển nơi ở", by=cast.commune)
    assert sees(receiver, world) == set()
    assert Transfer.objects.visible_to(receiver).filter(pk=transfer.pk).exists()
    client = client_for(receiver)
    attachment = apps.get_model("cases.CaseAttachment").objects.get(pk=world["records"]["cases.CaseAttachment"])
    for path in (
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/children/{case.child_id}/",
        f"/api/v1/cases/{case.pk}/documents/01/?format=docx",
        attachment.file.url,
        f"/admin/cases/case/{case.pk}/change/",
    ):
        assert client.get(path).status_code in (302, 403, 404), path

    transfer_accept(transfer=transfer, by=receiver)
    assert sees(receiver, world) == ALL
    assert sees(cast.commune, world) == set()
    assert client_for(cast.commune).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert client_for(receiver).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert client_for(receiver).get(attachment.file.url).status_code == 200
    # The sender keeps its record of what it sent, without the case.
    row = client_for(cast.commune).get("/api/v1/transfers/?direction=outgoing").json()["results"][0]
    assert row["id"] == transfer.pk and row["case"] is None
