import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import Attendance

from .factories import AttendanceFactory, DaycareModelFactory, EnrolmentFactory, make_child

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 3, 4)


@pytest.fixture
def daycare(units):
    model = DaycareModelFactory(established_on=dt.date(2024, 1, 1), ended_on=dt.date(2024, 12, 31))
    for i in range(5):
        EnrolmentFactory(model=model, child_name=f"Trẻ {i}", enrolled_on=dt.date(2024, 1, 1))
    EnrolmentFactory(model=model, child_name="Đã nghỉ", enrolled_on=dt.date(2024, 1, 1), left_on=dt.date(2024, 2, 1))
    return model


def register_url(model, day=DAY):
    return reverse("admin:programs_protectionmodel_register", args=[model.pk]) + f"?date={day:%d/%m/%Y}"


def post_data(model, absent=(), services=""):
    enrolments = list(model.enrolments.enrolled_on(DAY).order_by("child_name", "pk"))
    data = {"form-TOTAL_FORMS": str(len(enrolments)), "form-INITIAL_FORMS": str(len(enrolments))}
    for i, enrolment in enumerate(enrolments):
        data[f"form-{i}-enrolment_id"] = str(enrolment.pk)
        if enrolment.child_name not in absent:
            data[f"form-{i}-present"] = "on"
        data[f"form-{i}-services"] = services
    return data


def test_register_lists_every_child_enrolled_that_day(cast, client_for, daycare):
    response = client_for(cast.province).get(register_url(daycare))
    assert response.status_code == 200
    names = [line.enrolment.child_name for line, _form in response.context["rows"]]
    assert names == [f"Trẻ {i}" for i in range(5)]
    assert "Đã nghỉ" not in response.content.decode()


def test_register_shows_a_registry_child_by_name(cast, client_for, daycare):
    child = make_child(name="Lê Văn Cường")
    EnrolmentFactory(model=daycare, child=child, child_name="Lê Văn Cường", enrolled_on=dt.date(2024, 1, 1))
    response = client_for(cast.province).get(register_url(daycare))
    assert "Lê Văn Cường" in response.content.decode()


def test_register_page_queries_do_not_grow_with_children(cast, client_for, daycare):
    client = client_for(cast.province)
    client.get(register_url(daycare))
    with CaptureQueriesContext(connection) as few:
        client.get(register_url(daycare))
    for i in range(20):
        enrolment = EnrolmentFactory(model=daycare, child_name=f"Thêm {i:02d}", enrolled_on=dt.date(2024, 1, 1))
        AttendanceFactory(enrolment=enrolment, date=DAY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(register_url(daycare))
    assert len(response.context["rows"]) == 25
    assert len(many) == len(few)


def test_posting_the_register_saves_the_day(cast, client_for, daycare):
    client = client_for(cast.province)
    response = client.post(register_url(daycare), post_data(daycare, absent={"Trẻ 2"}, services="Ăn trưa"))
    assert response.status_code == 302
    rows = Attendance.objects.filter(date=DAY)
    assert rows.count() == 5
    assert rows.filter(present=False).get().enrolment.child_name == "Trẻ 2"
    assert set(rows.values_list("services", flat=True)) == {"Ăn trưa"}


def test_posting_the_register_for_a_day_the_model_was_inactive_saves_nothing(cast, client_for, daycare):
    client = client_for(cast.province)
    data = post_data(daycare)
    response = client.post(register_url(daycare, dt.date(2025, 1, 2)), data)
    assert response.status_code == 200
    assert response.context["day_form"].errors
    assert not Attendance.objects.exists()


def test_register_of_a_model_outside_scope_is_not_found(cast, client_for, daycare):
    assert client_for(cast.district).get(register_url(daycare)).status_code == 404
    assert client_for(cast.other_province).post(register_url(daycare), post_data(daycare)).status_code == 404
    assert not Attendance.objects.exists()


def test_register_needs_attendance_permissions(cast, client_for, daycare):
    assert client_for(cast.viewer).get(register_url(daycare)).status_code == 403
    manager = client_for(cast.manager)
    assert manager.get(register_url(daycare)).status_code == 200
    assert manager.post(register_url(daycare), post_data(daycare)).status_code == 403
    assert not Attendance.objects.exists()


def test_current_province_officer_sees_the_legacy_daycare_register(cast, client_for, daycare):
    assert client_for(cast.current_province).get(register_url(daycare)).status_code == 200


def test_enrolment_and_model_pages_render_with_child_search(cast, client_for, daycare):
    client = client_for(cast.province)
    enrolment = daycare.enrolments.first()
    response = client.get(reverse("admin:programs_enrolment_change", args=[enrolment.pk]))
    assert response.status_code == 200
    assert "admin-autocomplete" in response.content.decode()
    response = client.get(reverse("admin:programs_protectionmodel_change", args=[daycare.pk]))
    assert reverse("admin:programs_protectionmodel_register", args=[daycare.pk]) in response.content.decode()


def test_child_search_for_enrolment_offers_only_children_in_scope(cast, client_for, daycare, units):
    make_child(name="Trẻ Trong Phạm Vi", commune_code="23281")
    make_child(name="Trẻ Gia Lai", commune_code="23557")
    response = client_for(cast.province).get(
        reverse("admin:autocomplete"),
        {"term": "Trẻ", "app_label": "programs", "model_name": "enrolment", "field_name": "child"},
    )
    names = {row["text"] for row in response.json()["results"]}
    assert any("Trong Phạm Vi" in name for name in names)
    assert not any("Gia Lai" in name for name in names)
