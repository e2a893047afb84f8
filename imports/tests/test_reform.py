"""Imports and the 2025 reform: an officer's move survives a re-import; legacy codes after it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Child, CommuneStats, SurveyRecord
from imports.pipeline import run_import
from imports.tests.factories import ChildFactory, ensure_codes, write_csv
from locations.loaders import load_official_units
from locations.models import Unit
from outreach.models import OutreachEvent
from programs.models import ProtectionModel
from scope.reform_moves import records_move

# Legacy Xã Hòa Liên (Đà Nẵng) was split between Phường Hải Vân (first) and Liên Chiểu.
SPLIT, FIRST, SECOND = "20296", "20194", "20197"


@pytest.fixture
def danang(db, units):
    ensure_codes()
    load_official_units(edition="legacy", provinces=["48"])
    load_official_units(edition="current", provinces=["48"])
    get = lambda code, edition: Unit.objects.get(code=code, edition=edition, level="commune")  # noqa: E731
    return {"split": get(SPLIT, "legacy"), "first": get(FIRST, "current"), "second": get(SECOND, "current")}


def commit(tmp_path, kind, rows, user, name):
    result = run_import(path=write_csv(tmp_path / name, rows), kind=kind, user=user, commit=True)
    assert result.committed, result.errors
    return result


# Per kind: header, a row (``second`` changes a value, not the unit), and the records it writes.
KINDS = {
    "events": (
        ["date", "unit_code", "kind", "venue", "topic", "participants_total", "event_ref"],
        lambda second: ["20/05/2024", SPLIT, "talk", "school", "Chủ đề", 50 if second else 40, "E-1"],
        lambda: [OutreachEvent.objects.get()],
    ),
    "models": (
        ["code", "name", "kind", "unit_code", "established_on"],
        lambda second: ["CLB-1", "CLB mới" if second else "CLB", "child_club", SPLIT, "01/02/2020"],
        lambda: [ProtectionModel.objects.get()],
    ),
    "commune_stats": (
        ["survey_year", "commune_code", "children_total"],
        lambda second: [2020, SPLIT, 200 if second else 100],
        lambda: [CommuneStats.objects.get()],
    ),
    "cases": (
        ["case_ref", "child_ref", "commune_code", "opened_on", "status"],
        lambda second: ["C-1", "K-1", SPLIT, "10/04/2024", "verified" if second else "received"],
        lambda: [Case.objects.get()],
    ),
    "children": (
        ["survey_year", "commune_code", "full_name", "date_of_birth", "sex", "child_ref", "village"],
        lambda second: [2024, SPLIT, "Phạm Thị Hoa", "01/01/2015", "F", "K-2", "Thôn 2" if second else "Thôn 1"],
        lambda: [Child.objects.get(child_ref="K-2"), SurveyRecord.objects.get()],
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_reimport_keeps_an_officers_move(tmp_path, cast, danang, kind):
    if kind == "cases":
        ChildFactory(child_ref="K-1", commune=danang["split"])
    header, row, records = KINDS[kind]
    commit(tmp_path, kind, [header, row(False)], cast.superuser, "first.csv")
    assert {(r.current_unit, r.current_unit_to_review) for r in records()} == {(danang["first"], True)}
    records_move(records=records(), to=danang["second"], user=cast.superuser)
    result = commit(tmp_path, kind, [header, row(True)], cast.superuser, "second.csv")
    assert result.counts["updated"] == 1
    assert {(r.current_unit, r.current_unit_to_review) for r in records()} == {(danang["second"], False)}


def test_a_record_recorded_on_another_unit_gets_its_current_unit_again(tmp_path, cast, danang, units):
    header, row, _records = KINDS["events"]
    commit(tmp_path, "events", [header, row(False)], cast.superuser, "first.csv")
    records_move(records=[OutreachEvent.objects.get()], to=danang["second"], user=cast.superuser)
    moved = row(False)
    moved[1] = "23281"
    commit(tmp_path, "events", [header, moved], cast.superuser, "second.csv")
    event = OutreachEvent.objects.get()
    assert (event.unit, event.current_unit, event.current_unit_to_review) == (
        units.quang_trung,
        units.kontum_ward,
        False,
    )


def test_legacy_code_after_the_reform_says_its_successor_once_per_run(tmp_path, cast, codes):
    header = ["date", "unit_code", "kind", "venue", "topic", "participants_total"]

    def queries(n):
        day = dt.date(2025, 8, 1)
        rows = [
            [(day + dt.timedelta(days=i)).strftime("%d/%m/%Y"), "23281", "talk", "school", f"T{i}", 10]
            for i in range(n)
        ]
        path = write_csv(tmp_path / f"{n}.csv", [header, *rows])
        with CaptureQueriesContext(connection) as captured:
            result = run_import(path=path, kind="events", user=cast.commune, commit=False)
        assert result.error_count == n
        assert {e["column"] for e in result.errors} == {"unit_code"}
        assert all("23281" in e["reason"] and "23293" in e["reason"] for e in result.errors)
        return len(captured)

    assert queries(3) == queries(30)


@pytest.fixture
def codes(db):
    ensure_codes()
