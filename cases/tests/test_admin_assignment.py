from cases.models import Case

from .factories import CaseFactory, ChildFactory


def make(units, commune=None):
    commune = commune or units.quang_trung
    return CaseFactory(commune=commune, child=ChildFactory(commune=commune))


def test_bulk_assign_asks_then_assigns(client_for, cast, units):
    cases = [make(units), make(units)]
    client = client_for(cast.province)
    data = {"action": "assign_selected", "_selected_action": [c.pk for c in cases]}
    asked = client.post("/admin/cases/case/", data)
    assert asked.status_code == 200 and b'name="assignee"' in asked.content
    done = client.post("/admin/cases/case/", {**data, "apply": "1", "assignee": cast.commune.pk})
    assert done.status_code == 302
    assert set(Case.objects.values_list("assigned_to", flat=True)) == {cast.commune.pk}


def test_bulk_assign_with_one_case_outside_the_assignee_unit_changes_nothing(client_for, cast, units):
    cases = [make(units), make(units, units.dakglei_town)]
    client = client_for(cast.province)
    data = {"action": "assign_selected", "_selected_action": [c.pk for c in cases], "apply": "1"}
    response = client.post("/admin/cases/case/", {**data, "assignee": cast.commune.pk}, follow=True)
    assert cases[1].case_ref in response.content.decode()
    assert not Case.objects.filter(assigned_to__isnull=False).exists()


def test_collaborator_has_no_bulk_assign(client_for, cast, units):
    child = ChildFactory(commune=units.quang_trung, reported_by=cast.collaborator)
    case = CaseFactory(child=child, commune=units.quang_trung, reported_by=cast.collaborator)
    client = client_for(cast.collaborator)
    data = {"action": "assign_selected", "_selected_action": [case.pk], "apply": "1", "assignee": cast.commune.pk}
    client.post("/admin/cases/case/", data)
    assert Case.objects.get(pk=case.pk).assigned_to is None


def test_assignee_choices_are_officers_covering_the_commune(client_for, cast, units):
    case = make(units)
    page = client_for(cast.province).get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    select = page.split('name="assigned_to"')[1].split("</select>")[0]
    assert f'value="{cast.commune.pk}"' in select and f'value="{cast.district.pk}"' in select
    assert f'value="{cast.peer_commune.pk}"' not in select and f'value="{cast.viewer.pk}"' not in select


def test_my_cases_filter(client_for, cast, units):
    mine, other = make(units), make(units)
    Case.objects.filter(pk=mine.pk).update(assigned_to=cast.commune)
    page = client_for(cast.commune).get("/admin/cases/case/?mine=yes").content.decode()
    assert mine.case_ref in page and other.case_ref not in page
