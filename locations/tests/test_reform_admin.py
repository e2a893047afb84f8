"""The admin list of split communes to review and its move action, limited to the user's scope."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import Child
from conftest import make_user
from locations.loaders import load_official_units
from locations.models import Unit, UnitConversion
from scope.admin import ScopedModelAdmin

pytestmark = pytest.mark.django_db
URL = reverse("admin:locations_unitconversion_changelist")


@pytest.fixture
def danang(units):
    load_official_units(edition="legacy", provinces=["48"])
    load_official_units(edition="current", provinces=["48"])
    get = lambda code, edition: Unit.objects.get(code=code, edition=edition, level="commune")  # noqa: E731
    split = get("20296", "legacy")
    kids = [Child.objects.create(full_name=f"Trẻ {i}", birth_year=2015, sex="M", commune=split) for i in range(3)]
    return {
        "split": split,
        "first": get("20194", "current"),
        "second": get("20197", "current"),
        "province": Unit.objects.get(code="48", edition="current", level="province"),
        "kids": kids,
    }


def entry(legacy: Unit, current: Unit) -> UnitConversion:
    return UnitConversion.objects.get(legacy=legacy, current=current)


def test_review_admin_is_registered_on_the_scoped_base():
    assert isinstance(admin.site._registry[UnitConversion], ScopedModelAdmin)


def test_province_officer_sees_split_communes_with_records_to_review(danang, client_for):
    officer = make_user("danang", "province_officer", danang["province"])
    response = client_for(officer).get(URL)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert {(r.legacy.code, r.current.code) for r in rows} >= {("20296", "20194"), ("20296", "20197")}
    assert {r.to_review for r in rows if r.legacy_id == danang["split"].pk} == {3}


def test_officer_of_another_province_sees_no_split_commune_of_danang(danang, cast, client_for):
    response = client_for(cast.current_province).get(URL)
    assert response.status_code == 200
    assert not [r for r in response.context["cl"].result_list if r.legacy_id == danang["split"].pk]


def test_officer_without_a_unit_sees_nothing(danang, cast, client_for):
    response = client_for(cast.no_unit).get(URL)
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert list(response.context["cl"].result_list) == []


def test_move_action_moves_the_records_to_the_selected_successor(danang, client_for):
    officer = make_user("danang", "province_officer", danang["province"])
    target = entry(danang["split"], danang["second"])
    response = client_for(officer).post(
        URL, {"action": "move_records_here", "_selected_action": [target.pk]}, follow=True
    )
    assert response.status_code == 200
    got = set(Child.objects.filter(commune=danang["split"]).values_list("current_unit", "current_unit_to_review"))
    assert got == {(danang["second"].pk, False)}
    again = client_for(officer).get(URL)
    assert {r.to_review for r in again.context["cl"].result_list if r.legacy_id == danang["split"].pk} == {0}


def test_move_action_refuses_two_successors_of_one_commune(danang, client_for):
    officer = make_user("danang", "province_officer", danang["province"])
    both = [entry(danang["split"], danang["first"]).pk, entry(danang["split"], danang["second"]).pk]
    client_for(officer).post(URL, {"action": "move_records_here", "_selected_action": both}, follow=True)
    assert set(Child.objects.filter(commune=danang["split"]).values_list("current_unit_to_review", flat=True)) == {True}


def test_commune_officer_cannot_move_records_out_of_their_commune(danang, client_for):
    hai_van = make_user("hai_van", "commune_officer", danang["first"])
    target = entry(danang["split"], danang["second"])
    client_for(hai_van).post(URL, {"action": "move_records_here", "_selected_action": [target.pk]}, follow=True)
    assert set(Child.objects.filter(commune=danang["split"]).values_list("current_unit", flat=True)) == {
        danang["first"].pk
    }


def test_viewer_cannot_run_the_move_action(danang, client_for):
    viewer = make_user("danang_viewer", "viewer", danang["province"])
    target = entry(danang["split"], danang["second"])
    client_for(viewer).post(URL, {"action": "move_records_here", "_selected_action": [target.pk]})
    assert set(Child.objects.filter(commune=danang["split"]).values_list("current_unit", flat=True)) == {
        danang["first"].pk
    }
