import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.assignment import assignee_check, case_assign
from cases.models import Case, ChangeRecord
from cases.services import case_save

from .factories import CaseFactory, ChildFactory


@pytest.fixture
def case(units):
    return CaseFactory(commune=units.quang_trung, child=ChildFactory(commune=units.quang_trung))


@pytest.mark.parametrize("who", ["commune", "district", "province"])
def test_officers_covering_the_commune_may_be_assigned(cast, case, who):
    case_assign(case=case, assignee=getattr(cast, who), by=cast.province)
    assert Case.objects.get(pk=case.pk).assigned_to == getattr(cast, who)


@pytest.mark.parametrize("who", ["viewer", "collaborator", "manager", "peer_commune", "peer_district",
                                 "other_province", "no_unit"])  # fmt: skip
def test_anyone_else_is_refused_and_nothing_changes(cast, case, who):
    with pytest.raises(ValidationError) as caught:
        case_assign(case=case, assignee=getattr(cast, who), by=cast.province)
    assert "assigned_to" in caught.value.message_dict
    assert Case.objects.get(pk=case.pk).assigned_to is None
    assert not ChangeRecord.objects.filter(case=case).exists()


def test_inactive_officer_is_refused(cast, case):
    cast.commune.is_active = False
    cast.commune.save()
    with pytest.raises(ValidationError):
        assignee_check(case=case, assignee=cast.commune)


def test_assignment_is_in_the_history(cast, case):
    case_assign(case=case, assignee=cast.commune, by=cast.province)
    case_assign(case=case, assignee=cast.district, by=cast.province)
    records = list(ChangeRecord.objects.filter(case=case).order_by("pk"))
    assert [next(iter(r.changes.values())) for r in records] == [
        ["", str(cast.commune)],
        [str(cast.commune), str(cast.district)],
    ]
    assert Case.objects.get(pk=case.pk).version == 2


def test_assigner_out_of_scope_is_refused(cast, case):
    with pytest.raises(ValidationError):
        case_assign(case=case, assignee=cast.peer_commune, by=cast.peer_commune)
    assert Case.objects.get(pk=case.pk).assigned_to is None


def test_new_case_goes_to_its_officer_reporter(cast, units):
    child = ChildFactory(commune=units.quang_trung)
    new = Case(child=child, commune=units.quang_trung, opened_on=dt.date(2024, 5, 1))
    case = case_save(case=new, user=cast.commune)
    assert case.assigned_to == cast.commune


def test_new_case_of_a_collaborator_is_unassigned(cast, units):
    child = ChildFactory(commune=units.quang_trung, reported_by=cast.collaborator)
    new = Case(child=child, commune=units.quang_trung, opened_on=dt.date(2024, 5, 1))
    case = case_save(case=new, user=cast.collaborator)
    assert case.assigned_to is None


def test_case_save_refuses_an_assignee_outside_the_unit(cast, units, case):
    case.assigned_to = cast.peer_commune
    with pytest.raises(ValidationError) as caught:
        case_save(case=case, user=cast.province)
    assert "assigned_to" in caught.value.message_dict
    assert Case.objects.get(pk=case.pk).assigned_to is None


def test_assign_via_api(client_for, cast, case):
    client = client_for(cast.commune)
    response = client.post(f"/api/v1/cases/{case.pk}/assign/", {"user": "district"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["assigned_to"] == "district"


@pytest.mark.parametrize("username", ["viewer", "collaborator", "peer_commune", "nobody"])
def test_assign_via_api_to_someone_not_allowed_is_400_on_user(client_for, cast, case, username):
    response = client_for(cast.commune).post(
        f"/api/v1/cases/{case.pk}/assign/", {"user": username}, content_type="application/json"
    )
    assert response.status_code == 400 and "user" in response.json()
    assert Case.objects.get(pk=case.pk).assigned_to is None


def test_assign_via_api_out_of_scope_is_404(client_for, cast, case):
    response = client_for(cast.peer_commune).post(
        f"/api/v1/cases/{case.pk}/assign/", {"user": "peer_commune"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_collaborator_may_not_assign(client_for, cast, units):
    child = ChildFactory(commune=units.quang_trung, reported_by=cast.collaborator)
    case = CaseFactory(child=child, commune=units.quang_trung, reported_by=cast.collaborator)
    response = client_for(cast.collaborator).post(
        f"/api/v1/cases/{case.pk}/assign/", {"user": "commune"}, content_type="application/json"
    )
    assert response.status_code == 403
