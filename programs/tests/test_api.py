import datetime as dt

import pytest

from programs.models import Attendance, ProtectionModel

from .factories import AttendanceFactory, DaycareModelFactory, EnrolmentFactory, ProtectionModelFactory

pytestmark = pytest.mark.django_db


def payload(unit, **overrides):
    return {
        "code": "CB-QT",
        "name": "Hệ thống bảo vệ trẻ em Quang Trung",
        "kind": "cbcp_system",
        "unit": unit.pk,
        "established_on": "2024-03-01",
        **overrides,
    }


def test_create_a_model_through_the_api_and_refuse_a_second_cbcp(cast, client_for, units):
    client = client_for(cast.commune)
    response = client.post("/api/v1/models/", payload(units.quang_trung), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "active"
    response = client.post("/api/v1/models/", payload(units.quang_trung, code="CB-2"), content_type="application/json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert ProtectionModel.objects.count() == 1


def test_api_refuses_end_before_start_and_a_unit_outside_scope(cast, client_for, units):
    client = client_for(cast.commune)
    response = client.post(
        "/api/v1/models/", payload(units.quang_trung, ended_on="2024-01-01"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "ended_on" in response.json()
    response = client.post("/api/v1/models/", payload(units.dakglei_town), content_type="application/json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not ProtectionModel.objects.exists()


def test_api_update_records_history(cast, client_for, units):
    model = ProtectionModelFactory(unit=units.quang_trung)
    response = client_for(cast.commune).patch(
        f"/api/v1/models/{model.pk}/", {"ended_on": "2025-12-31"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert model.changes.get().action == "ended"


def test_models_filter_by_kind_unit_status_and_active_on(cast, client_for, units):
    ProtectionModelFactory(code="A", unit=units.quang_trung, established_on=dt.date(2020, 1, 1))
    ProtectionModelFactory(
        code="B",
        unit=units.dakglei_town,
        kind="counselling_point",
        established_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2021, 1, 1),
    )
    DaycareModelFactory(code="C", established_on=dt.date(2023, 1, 1))
    client = client_for(cast.province)

    def codes(**params):
        return {row["code"] for row in client.get("/api/v1/models/", params).json()["results"]}

    assert codes(kind="counselling_point") == {"B"}
    assert codes(kind=["counselling_point", "daycare_disability"]) == {"B", "C"}
    assert codes(unit="608") == {"A"}
    assert codes(unit="62") == {"A", "B", "C"}
    assert codes(status="ended") == {"B"}
    assert codes(active_on="2021-01-01") == {"A", "B"}
    assert codes(active_on="2021-01-02") == {"A"}
    assert codes(year=2022) == {"A"}


@pytest.fixture
def daycare(units):
    model = DaycareModelFactory(established_on=dt.date(2024, 1, 1), ended_on=dt.date(2024, 12, 31))
    return model, EnrolmentFactory(model=model, enrolled_on=dt.date(2024, 1, 1))


def test_attendance_through_the_api_refuses_a_day_the_model_was_inactive(cast, client_for, daycare):
    _model, enrolment = daycare
    client = client_for(cast.province)
    response = client.post(
        "/api/v1/attendance/", {"enrolment": enrolment.pk, "date": "2025-01-02"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "date" in response.json()
    response = client.post(
        "/api/v1/attendance/",
        {"enrolment": enrolment.pk, "date": "2024-05-02", "present": False, "services": "Vật lý trị liệu"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert Attendance.objects.get().recorded_by == cast.province


def test_attendance_is_scoped_in_the_api(cast, client_for, daycare):
    _model, enrolment = daycare
    row = AttendanceFactory(enrolment=enrolment, date=dt.date(2024, 5, 2))
    assert client_for(cast.district).get(f"/api/v1/attendance/{row.pk}/").status_code == 404
    response = client_for(cast.district).post(
        "/api/v1/attendance/", {"enrolment": enrolment.pk, "date": "2024-05-03"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert client_for(cast.province).get(f"/api/v1/attendance/{row.pk}/").json()["child_name"] == enrolment.child_name
    assert client_for(cast.viewer).get("/api/v1/attendance/").status_code == 403


def test_attendance_figures_endpoint(cast, client_for, daycare):
    model, enrolment = daycare
    other = EnrolmentFactory(model=model, enrolled_on=dt.date(2024, 1, 1))
    AttendanceFactory(enrolment=enrolment, date=dt.date(2024, 5, 2), present=True)
    AttendanceFactory(enrolment=other, date=dt.date(2024, 5, 2), present=True)
    AttendanceFactory(enrolment=enrolment, date=dt.date(2024, 5, 3), present=True)
    AttendanceFactory(enrolment=other, date=dt.date(2024, 5, 3), present=False)
    client = client_for(cast.province)
    data = client.get("/api/v1/attendance/figures/", {"year": 2024, "model": model.pk}).json()
    assert (data["days"], data["child_days_present"], data["average_daily_attendance"]) == (2, 3, 1.5)
    assert data["months"][4] == {"month": 5, "days": 2, "child_days_present": 3, "average": 1.5}
    assert client_for(cast.district).get("/api/v1/attendance/figures/", {"model": model.pk}).status_code == 404


def test_attendance_figures_of_a_model_that_is_not_day_care_is_not_found(cast, client_for, units):
    club = ProtectionModelFactory(unit=units.quang_trung)
    client = client_for(cast.province)
    assert client.get("/api/v1/attendance/figures/", {"model": club.pk}).status_code == 404
    assert client.get("/api/v1/attendance/figures/", {"model": "abc"}).status_code == 404
