"""Which legacy units a user of a current (post-2025) unit may name, reach and grant."""

import datetime as dt

import pytest

from accounts.services import user_check_grant
from conftest import make_user
from imports.pipeline import run_import
from imports.tests.factories import ensure_codes, write_csv
from locations.models import Unit
from outreach.models import OutreachEvent
from programs.models import ProtectionModel
from scope.core import OutOfScope, ensure_in_scope, units_in_scope, units_reached


@pytest.fixture
def ward(units):
    return make_user("ward", "commune_officer", units.kontum_ward)


def test_a_ward_names_its_legacy_communes_but_not_their_whole_district_or_province(ward, units):
    named = units_in_scope(ward)
    formed_from = Unit.objects.filter(successor_links__current=units.kontum_ward)
    assert formed_from.exists() and set(formed_from) <= set(named)
    assert units.kontum_city not in named and units.kontum not in named
    assert not units_reached(ward).filter(edition="legacy").exists()


def test_the_new_province_names_the_whole_legacy_province_it_was_formed_from(cast, units):
    named = units_in_scope(cast.current_province)
    assert units.kontum in named and units.kontum_city in named
    assert units.gialai not in named


def test_a_ward_cannot_import_onto_the_legacy_province_or_district(tmp_path, ward, units):
    ensure_codes()
    header = ["date", "unit_code", "kind", "venue", "topic", "participants_total"]
    rows = [header, ["20/05/2024", "62", "talk", "school", "T", 10], ["20/05/2024", "608", "talk", "school", "T", 10]]
    result = run_import(path=write_csv(tmp_path / "e.csv", rows), kind="events", user=ward, commit=True)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "unit_code"), (3, "unit_code")]
    assert not OutreachEvent.objects.exists()


def test_an_import_refuses_a_record_the_user_cannot_see(tmp_path, ward, units):
    ensure_codes()
    ProtectionModel.objects.create(
        code="MH-608",
        name="Huyện",
        kind="counselling_point",
        unit=units.kontum_city,
        established_on=dt.date(2018, 1, 1),
    )
    header = ["code", "name", "kind", "unit_code", "established_on"]
    rows = [header, ["MH-608", "Đổi tên", "counselling_point", "23293", "01/01/2018"]]
    result = run_import(path=write_csv(tmp_path / "m.csv", rows), kind="models", user=ward, commit=True)
    assert not result.committed and result.errors
    assert ProtectionModel.objects.get(code="MH-608").name == "Huyện"


def test_a_manager_grants_only_units_whose_users_they_see(units):
    from accounts.models import User

    manager = make_user("qn_manager", "province_manager", units.quangngai)
    # A legacy commune that converted into the province: granted, and the user is then visible.
    # (A manager gives only roles within their own permissions: a viewer's.)
    user_check_grant(actor=manager, target=None, role="viewer", unit=units.quang_trung)
    granted = make_user("granted", "commune_officer", units.quang_trung)
    assert User.objects.visible_to(manager).filter(pk=granted.pk).exists()
    # A legacy district: its users would be invisible to the manager, so it cannot be granted.
    with pytest.raises(Exception) as refused:
        user_check_grant(actor=manager, target=None, role="viewer", unit=units.kontum_city)
    assert "unit" in refused.value.message_dict


def test_a_collaborator_writes_nothing_of_a_model_without_a_reporter(cast, units):
    model = ProtectionModel(
        code="MH-C", name="CLB", kind="child_club", unit=units.quang_trung, established_on=dt.date(2020, 1, 1)
    )
    ensure_in_scope(model, cast.commune)
    with pytest.raises(OutOfScope):
        ensure_in_scope(model, cast.collaborator)
