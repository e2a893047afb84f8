import datetime as dt

import pytest

from cases.models import Case, Child

from .factories import CaseFactory, ChildFactory


@pytest.fixture
def records(cast, units):
    own = ChildFactory(full_name="Nguyễn Thị Đào", commune=units.quang_trung, personal_id="062315000123", sex="F")
    far = ChildFactory(full_name="Lê Văn Xa", commune=units.dakglei_town)
    return {
        "own": own,
        "far": far,
        "own_case": CaseFactory(child=own, commune=units.quang_trung, abuse_details="chi tiết"),
        "far_case": CaseFactory(child=far, commune=units.dakglei_town),
    }


def ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "expected"),
    [("commune", {"own"}), ("province", {"own", "far"}), ("peer_commune", {"far"}), ("other_province", set()),
     ("no_unit", set())],
)  # fmt: skip
def test_cases_list_is_scoped(client_for, cast, records, who, expected):
    response = client_for(getattr(cast, who)).get("/api/v1/cases/")
    assert response.status_code == 200
    assert ids(response) == {records[f"{k}_case"].pk for k in expected}


def test_viewer_gets_no_children(client_for, cast, records):
    assert client_for(cast.viewer).get("/api/v1/children/").status_code == 403


def test_case_out_of_scope_is_404(client_for, cast, records):
    client = client_for(cast.peer_commune)
    assert client.get(f"/api/v1/cases/{records['own_case'].pk}/").status_code == 404
    response = client.post(f"/api/v1/cases/{records['own_case'].pk}/transition/", {"to_status": "verified"})
    assert response.status_code == 404


def test_transition_via_api(client_for, cast, records):
    case = records["own_case"]
    client = client_for(cast.commune)
    response = client.post(f"/api/v1/cases/{case.pk}/transition/", {"to_status": "verified", "on": "2024-06-03"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verified"
    assert [t["to_status"] for t in response.json()["transitions"]] == ["verified"]


def test_invalid_transition_via_api_is_400_on_the_field(client_for, cast, records):
    case = records["own_case"]
    response = client_for(cast.commune).post(f"/api/v1/cases/{case.pk}/transition/", {"to_status": "closed"})
    assert response.status_code == 400 and "outcome" in response.json()
    response = client_for(cast.commune).post(f"/api/v1/cases/{case.pk}/transition/", {"to_status": "review"})
    assert response.status_code == 400 and "to_status" in response.json()
    assert Case.objects.get(pk=case.pk).status == "received"


def test_collaborator_transition_is_403(client_for, cast, units):
    child = ChildFactory(commune=units.quang_trung, reported_by=cast.collaborator)
    case = CaseFactory(child=child, commune=units.quang_trung, reported_by=cast.collaborator)
    response = client_for(cast.collaborator).post(f"/api/v1/cases/{case.pk}/transition/", {"to_status": "verified"})
    assert response.status_code == 403


def test_create_child_via_api_and_warning_override(client_for, cast, units):
    client = client_for(cast.commune)
    body = {"full_name": "Y Bia", "date_of_birth": "2016-02-01", "sex": "M", "commune": "23281",
            "personal_id": "062316000001"}  # fmt: skip
    warned = client.post("/api/v1/children/", body, content_type="application/json")
    assert warned.status_code == 400 and "personal_id" in warned.json()
    assert not Child.objects.filter(full_name="Y Bia").exists()
    created = client.post("/api/v1/children/", {**body, "accept_warnings": True}, content_type="application/json")
    assert created.status_code == 201, created.content
    child = Child.objects.get(full_name="Y Bia")
    assert (child.birth_year, child.reported_by) == (2016, cast.commune)


def test_create_child_out_of_scope_unit_is_refused(client_for, cast, units):
    body = {"full_name": "Ngoài", "date_of_birth": "2016-02-01", "sex": "M", "commune": "23341"}
    response = client_for(cast.commune).post("/api/v1/children/", body, content_type="application/json")
    assert response.status_code == 400 and "commune" in response.json()


def test_future_date_of_birth_is_refused(client_for, cast, units):
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    body = {"full_name": "Tương Lai", "date_of_birth": future, "sex": "F", "commune": "23281"}
    response = client_for(cast.commune).post("/api/v1/children/", body, content_type="application/json")
    assert response.status_code == 400 and "date_of_birth" in response.json()


def test_update_needs_current_version(client_for, cast, records):
    child = records["own"]
    client = client_for(cast.commune)
    url = f"/api/v1/children/{child.pk}/"
    assert client.patch(url, {"village": "A"}, content_type="application/json").status_code == 400
    ok = client.patch(url, {"village": "A", "version": 0}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    stale = client.patch(url, {"village": "B", "version": 0}, content_type="application/json")
    assert stale.status_code == 400
    assert Child.objects.get(pk=child.pk).village == "A"


def test_filters_overdue_and_unit(client_for, cast, records):
    Case.objects.filter(pk=records["own_case"].pk).update(status="detailed_assessment", plan_due_on=dt.date(2024, 1, 2))
    client = client_for(cast.province)
    assert ids(client.get("/api/v1/cases/", {"overdue": "true"})) == {records["own_case"].pk}
    assert ids(client.get("/api/v1/cases/", {"unit": "610"})) == {records["far_case"].pk}
    assert {r["full_name"] for r in client.get("/api/v1/children/", {"q": "xa"}).json()["results"]} == {"Lê Văn Xa"}


def test_merged_children_are_listed_only_when_asked_for(client_for, cast, records, units):
    merged = ChildFactory(full_name="Bản Trùng", commune=units.quang_trung, merged_into=records["own"])
    client = client_for(cast.commune)
    assert ids(client.get("/api/v1/children/")) == {records["own"].pk}
    assert ids(client.get("/api/v1/children/", {"include_merged": "false"})) == {records["own"].pk}
    assert ids(client.get("/api/v1/children/", {"include_merged": "true"})) == {records["own"].pk, merged.pk}
