"""A row's ``model_code`` names a protection model inside the user's scope, in every kind that has one."""

import pytest
from django.utils.translation import gettext

from cases.models import Case
from imports.pipeline import run_import
from imports.tests.factories import ChildFactory, ProtectionModelFactory, ensure_codes, write_csv
from outreach.models import OutreachEvent


def unknown(code):
    return gettext("Unknown protection model %(code)s.") % {"code": code}


@pytest.fixture
def models(db, units):
    ensure_codes()
    ChildFactory(child_ref="K1", commune=units.quang_trung)
    return {
        "own": ProtectionModelFactory(code="MH-QT", unit=units.quang_trung),
        "other": ProtectionModelFactory(code="MH-DG", unit=units.dakglei_town),
    }


def run(tmp_path, kind, header, row, user):
    return run_import(path=write_csv(tmp_path / f"{kind}.csv", [header, row]), kind=kind, user=user, commit=True)


CASES = ["case_ref", "child_ref", "commune_code", "opened_on", "model_code"]
EVENTS = ["date", "unit_code", "kind", "venue", "topic", "participants_total", "model_code"]


def test_a_case_names_a_model_of_the_scope(tmp_path, cast, models):
    result = run(tmp_path, "cases", CASES, ["C-1", "K1", "23281", "10/04/2024", "MH-QT"], cast.commune)
    assert result.committed, result.errors
    assert Case.objects.get(case_ref="C-1").model == models["own"]


def test_a_case_cannot_name_a_model_outside_the_scope(tmp_path, cast, models):
    result = run(tmp_path, "cases", CASES, ["C-1", "K1", "23281", "10/04/2024", "MH-DG"], cast.commune)
    assert [(e["column"], e["reason"]) for e in result.errors] == [("model_code", unknown("MH-DG"))]
    assert not Case.objects.exists()


def test_an_event_names_a_model_of_the_scope_only(tmp_path, cast, models):
    row = ["20/05/2024", "23281", "talk", "school", "Phòng chống xâm hại", "30"]
    result = run(tmp_path, "events", EVENTS, [*row, "MH-DG"], cast.commune)
    assert [(e["column"], e["reason"]) for e in result.errors] == [("model_code", unknown("MH-DG"))]
    result = run(tmp_path, "events", EVENTS, [*row, "MH-QT"], cast.commune)
    assert result.committed, result.errors
    assert OutreachEvent.objects.get().model == models["own"]
