"""Every role's view of protection models, in the admin and the API."""

import datetime as dt

import pytest
from django.urls import reverse

from programs.models import ProtectionModel

from .factories import DaycareModelFactory, ProtectionModelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def models(units):
    return {
        "qt": ProtectionModelFactory(code="QT", unit=units.quang_trung, kind=ProtectionModel.Kind.CBCP_SYSTEM),
        "dg": ProtectionModelFactory(code="DG", unit=units.dakglei_town),
        "gl": ProtectionModelFactory(code="GL", unit=units.pleiku_commune),
        "dc": DaycareModelFactory(code="DC", established_on=dt.date(2023, 1, 1)),
    }


EXPECTED = {
    "superuser": {"QT", "DG", "GL", "DC"},
    "province": {"QT", "DG", "DC"},
    "manager": {"QT", "DG", "DC"},
    "district": {"QT"},
    "commune": {"QT"},
    "peer_commune": {"DG"},
    "peer_district": {"DG"},
    "other_province": {"GL"},
    "current_province": {"QT", "DG", "DC"},
    "no_unit": set(),
}
FORBIDDEN = ["viewer", "collaborator"]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_admin_list_shows_exactly_the_models_in_scope(cast, client_for, models, who):
    response = client_for(getattr(cast, who)).get(reverse("admin:programs_protectionmodel_changelist"))
    assert response.status_code == 200
    assert {m.code for m in response.context["cl"].result_list} == EXPECTED[who]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_api_list_shows_exactly_the_models_in_scope(cast, client_for, models, who):
    response = client_for(getattr(cast, who)).get("/api/v1/models/")
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == EXPECTED[who]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_out_of_scope_model_is_not_found_in_api_and_admin(cast, client_for, models, who):
    client = client_for(getattr(cast, who))
    for code, model in ((m.code, m) for m in models.values()):
        api = client.get(f"/api/v1/models/{model.pk}/")
        admin_page = client.get(reverse("admin:programs_protectionmodel_change", args=[model.pk]))
        if code in EXPECTED[who]:
            assert api.status_code == 200
            assert admin_page.status_code == 200
        else:
            assert api.status_code == 404
            # The admin answers a missing object with a redirect and "does not exist".
            assert admin_page.status_code == 302


@pytest.mark.parametrize("who", FORBIDDEN)
def test_roles_without_model_permissions_are_refused(cast, client_for, models, who):
    client = client_for(getattr(cast, who))
    assert client.get("/api/v1/models/").status_code == 403
    assert client.get(reverse("admin:programs_protectionmodel_changelist")).status_code == 403


def test_unit_list_filter_offers_only_units_in_scope(cast, client_for, models):
    response = client_for(cast.district).get(reverse("admin:programs_protectionmodel_changelist"))
    content = response.content.decode()
    assert "Đắk Glei" not in content
    assert "Quang Trung" in content


def test_admin_filters_by_kind_status_and_year(cast, client_for, models):
    client = client_for(cast.province)
    url = reverse("admin:programs_protectionmodel_changelist")
    by_kind = client.get(url, {"kind__exact": "cbcp_system"}).context["cl"].result_list
    assert {m.code for m in by_kind} == {"QT"}
    by_status = client.get(url, {"status": "active"}).context["cl"].result_list
    assert {m.code for m in by_status} == {"QT", "DG", "DC"}
    by_year = client.get(url, {"year": "2023"}).context["cl"].result_list
    assert {m.code for m in by_year} == {"DC"}


def test_admin_add_of_a_second_cbcp_in_a_commune_is_a_form_error(cast, client_for, models, units):
    client = client_for(cast.commune)
    data = {
        "code": "QT2",
        "name": "Hệ thống thứ hai",
        "kind": "cbcp_system",
        "unit": units.quang_trung.pk,
        "established_on": "01/02/2025",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:programs_protectionmodel_add"), data)
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not ProtectionModel.objects.filter(code="QT2").exists()


def test_admin_add_in_scope_writes_history(cast, client_for, units):
    client = client_for(cast.commune)
    data = {
        "code": "CLB1",
        "name": "Câu lạc bộ quyền trẻ em",
        "kind": "child_club",
        "unit": units.quang_trung.pk,
        "established_on": "05/03/2024",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "Nguyễn Thị Hoa",
        "members-0-role": "chair",
        "members-0-sex": "F",
        "members-0-joined_on": "05/03/2024",
    }
    response = client.post(reverse("admin:programs_protectionmodel_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    model = ProtectionModel.objects.get(code="CLB1")
    assert model.established_on == dt.date(2024, 3, 5)
    assert model.members.get().role == "chair"
    assert model.changes.get().action == "created"


def test_admin_add_outside_scope_is_a_form_error(cast, client_for, units):
    data = {
        "code": "X1",
        "name": "Ngoài phạm vi",
        "kind": "child_club",
        "unit": units.dakglei_town.pk,
        "established_on": "05/03/2024",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }
    response = client_for(cast.commune).post(reverse("admin:programs_protectionmodel_add"), data)
    assert response.status_code == 200
    assert not ProtectionModel.objects.filter(code="X1").exists()
