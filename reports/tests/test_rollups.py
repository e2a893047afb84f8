"""The roll-up tables (``scope.rollups``) equal a recount of their records after every write path:
the services, the imports (one at a time and two at once), reform moves, bulk updates, archiving,
restoring and purging; and the annual summary reads them, with the figures of the records."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from cases.models import Category, Child, RiskFactor, SurveyRecord, SurveyRollup, all_survey_records
from cases.services import survey_record_upsert
from conftest import make_user
from imports.pipeline import run_import
from imports.tests.factories import ensure_codes, write_csv
from locations.loaders import load_official_units
from locations.models import Unit
from locations.reform import derive_current_units
from programs.models import Attendance, AttendanceRollup, Enrolment
from programs.services import attendance_save
from programs.tests.factories import DaycareModelFactory, EnrolmentFactory
from reports import selectors
from reports.area import ReportArea
from reports.summary import annual_summary
from scope import rollups
from scope.archive import archived_purge, record_archive, record_restore
from scope.reform_moves import records_move

pytestmark = pytest.mark.django_db


def survey_recount() -> dict[tuple, tuple]:
    """What the reports count, from the records (archived children's records are out)."""
    rows = (
        SurveyRecord.objects.values("commune", "current_unit", "survey_year")
        .annotate(
            surveyed=Count("pk"),
            special=Count("pk", filter=Q(any_category=True)),
            at_risk=Count("pk", filter=Q(any_risk=True, any_category=False)),
        )
        .order_by()
    )
    return {
        (r["commune"], r["current_unit"], r["survey_year"]): (r["surveyed"], r["special"], r["at_risk"]) for r in rows
    }


def survey_rolled() -> dict[tuple, tuple]:
    rows = (
        SurveyRollup.objects.values("commune", "current_unit", "survey_year")
        .annotate(surveyed=Sum("surveyed"), special=Sum("special"), at_risk=Sum("at_risk"))
        .order_by()
    )
    found = {
        (r["commune"], r["current_unit"], r["survey_year"]): (r["surveyed"], r["special"], r["at_risk"]) for r in rows
    }
    return {key: counts for key, counts in found.items() if any(counts)}


def attendance_recount() -> dict[tuple, tuple]:
    rows = (
        Attendance.objects.values("enrolment__model", "date")
        .annotate(present=Count("pk", filter=Q(present=True)), recorded=Count("pk"))
        .order_by()
    )
    return {(r["enrolment__model"], r["date"]): (r["present"], r["recorded"]) for r in rows}


def attendance_rolled() -> dict[tuple, tuple]:
    rows = AttendanceRollup.objects.values("model", "date").annotate(p=Sum("present"), n=Sum("recorded")).order_by()
    return {(r["model"], r["date"]): (r["p"], r["n"]) for r in rows if r["p"] or r["n"]}


def assert_exact() -> tuple[dict, dict]:
    survey, attendance = survey_recount(), attendance_recount()
    assert survey_rolled() == survey
    assert attendance_rolled() == attendance
    return survey, attendance


@pytest.fixture
def codes(db):
    ensure_codes()


def test_the_triggers_are_installed_and_an_unchanged_definition_is_left_alone():
    assert all(rollups.is_kept(rollup) for rollup in rollups.registered())
    assert {r.table for r in rollups.registered()} == {"cases_surveyrollup", "programs_attendancerollup"}
    assert rollups.install() == []


def test_a_changed_definition_replaces_the_triggers_and_recounts(units, codes):
    child = Child.objects.create(full_name="Lê Văn Tư", birth_year=2015, sex="M", commune=units.quang_trung)
    SurveyRecord.objects.create(child=child, survey_year=2024, commune=units.quang_trung)
    # As if the triggers had been off while the table changed, and the definition then changed.
    SurveyRollup.objects.all().delete()
    with connection.cursor() as cursor:
        for name in rollups._installed(connection, rollups.registered()[0]):
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER {name}")
            else:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
    assert rollups.install() == ["cases_surveyrollup"]
    assert survey_rolled() == survey_recount() != {}


def test_survey_records_through_the_services(units, codes, cast):
    child = Child.objects.create(full_name="Nguyễn Văn An", birth_year=2014, sex="M", commune=units.quang_trung)
    other = Child.objects.create(full_name="Trần Thị Bình", birth_year=2016, sex="F", commune=units.duy_tan)
    sc04, r01 = Category.objects.get(code="SC04"), RiskFactor.objects.get(code="R01")
    record = survey_record_upsert(
        user=cast.superuser, child=child, survey_year=2024, commune=units.quang_trung, categories=[sc04], risks=[r01]
    )
    survey_record_upsert(user=cast.superuser, child=other, survey_year=2024, commune=units.duy_tan, risks=[r01])
    survey, _attendance = assert_exact()
    assert sum(counts[0] for counts in survey.values()) == 2
    assert sum(counts[1] for counts in survey.values()) == 1 and sum(counts[2] for counts in survey.values()) == 1
    # The same child and year again, in another commune and without a category: moved and re-flagged.
    survey_record_upsert(user=cast.superuser, child=child, survey_year=2024, commune=units.duy_tan, categories=[])
    assert_exact()
    # Links removed behind the flags' back, then the flags refreshed in one UPDATE.
    record.risks.through.objects.filter(surveyrecord_id=record.pk).delete()
    all_survey_records().refresh_flags()
    assert_exact()
    record.delete()
    assert_exact()


def test_bulk_updates_and_reform_moves(units, codes, cast):
    load_official_units(edition="legacy", provinces=["48"])
    load_official_units(edition="current", provinces=["48"])
    split = Unit.objects.get(code="20296", edition="legacy", level="commune")  # split in two in 2025
    second = Unit.objects.get(code="20197", edition="current", level="commune")
    kids = [Child.objects.create(full_name=f"Phạm Hoa {n}", birth_year=2014, sex="F", commune=split) for n in range(3)]
    records = [SurveyRecord.objects.create(child=kid, survey_year=2025, commune=split) for kid in kids]
    assert_exact()
    officer = make_user("danang", "province_officer", Unit.objects.get(code="48", edition="current", level="province"))
    records_move(records=records[:2], to=second, user=officer)
    survey, _attendance = assert_exact()
    assert {key[1] for key in survey if key[0] == split.pk} == {second.pk, records[2].current_unit_id}
    # A bulk UPDATE (as the set-based derivation runs) and the derivation itself.
    SurveyRecord.objects.filter(pk=records[2].pk).update(current_unit=None)
    assert_exact()
    derive_current_units(only_missing=True)
    assert SurveyRecord.objects.get(pk=records[2].pk).current_unit is not None
    assert_exact()


def test_archive_restore_and_purge_take_records_out_and_back(units, codes, cast):
    kids = [
        Child.objects.create(full_name=f"Hồ Văn {n}", birth_year=2013, sex="M", commune=units.quang_trung)
        for n in range(2)
    ]
    for kid in kids:
        SurveyRecord.objects.create(child=kid, survey_year=2023, commune=units.quang_trung, any_category=True)
        SurveyRecord.objects.create(child=kid, survey_year=2024, commune=units.quang_trung, any_risk=True)
    record_archive(record=kids[0], user=cast.superuser)
    survey, _attendance = assert_exact()
    assert sum(counts[0] for counts in survey.values()) == 2
    record_restore(record=Child._base_manager.get(pk=kids[0].pk), user=cast.superuser)
    survey, _attendance = assert_exact()
    assert sum(counts[0] for counts in survey.values()) == 4
    record_archive(record=kids[1], user=cast.superuser)
    archived_purge(older_than_days=0)
    assert not SurveyRecord._base_manager.filter(child_id=kids[1].pk).exists()
    survey, _attendance = assert_exact()
    assert sum(counts[0] for counts in survey.values()) == 2


def test_attendance_through_the_services_moves_archives_and_restores(units, cast):
    model, other_model = DaycareModelFactory(unit=units.quang_trung), DaycareModelFactory(unit=units.quang_trung)
    enrolments = [EnrolmentFactory(model=model, enrolled_on=dt.date(2024, 1, 1)) for _ in range(3)]
    for n, enrolment in enumerate(enrolments):
        for day in (2, 3):
            attendance_save(
                user=cast.superuser,
                attendance=Attendance(enrolment=enrolment, date=dt.date(2024, 5, day), present=n != 1),
            )
    _survey, attendance = assert_exact()
    assert attendance[(model.pk, dt.date(2024, 5, 2))] == (2, 3)
    row = Attendance.objects.filter(enrolment=enrolments[1]).first()
    row.present = True
    attendance_save(user=cast.superuser, attendance=row)
    assert_exact()
    # An enrolment moved to another model takes its attendance along.
    Enrolment.objects.filter(pk=enrolments[2].pk).update(model=other_model)
    _survey, attendance = assert_exact()
    assert attendance[(other_model.pk, dt.date(2024, 5, 2))] == (1, 1)
    record_archive(record=enrolments[0], user=cast.superuser)
    _survey, attendance = assert_exact()
    assert attendance[(model.pk, dt.date(2024, 5, 2))] == (0, 1)
    record_restore(record=Enrolment._base_manager.get(pk=enrolments[0].pk), user=cast.superuser)
    assert_exact()
    Attendance.objects.filter(enrolment=enrolments[1]).delete()
    assert_exact()


def test_imports_of_children_and_attendance(tmp_path, units, codes, cast):
    header = ["survey_year", "commune_code", "full_name", "date_of_birth", "sex", "child_ref", "circumstances", "risks"]
    rows = [header] + [
        [
            2024,
            "23281",
            f"Trẻ Nhập {n}",
            "01/01/2015",
            "MF"[n % 2],
            f"NH-{n}",
            "SC04" if n % 3 == 0 else "",
            "R01" if n % 2 else "",
        ]
        for n in range(30)
    ]
    result = run_import(path=write_csv(tmp_path / "a.csv", rows), kind="children", user=cast.commune, commit=True)
    assert result.committed, result.errors[:3]
    survey, _attendance = assert_exact()
    assert sum(counts[0] for counts in survey.values()) == 30
    # The same children again, their situation changed: updates, not new records.
    for row in rows[1:]:
        row[6], row[7] = ("SC13", "") if row[6] == "" else ("", "R02")
    result = run_import(path=write_csv(tmp_path / "b.csv", rows), kind="children", user=cast.commune, commit=True)
    assert result.committed and result.counts["updated"] == 30, result.errors[:3]
    assert_exact()

    DaycareModelFactory(code="BT-9", unit=units.quang_trung)
    lines = [["date", "model_code", "child_ref", "present", "services"]]
    lines += [[f"0{day}/05/2024", "BT-9", f"NH-{n}", str((n + day) % 2), ""] for n in range(10) for day in (2, 3, 4)]
    result = run_import(path=write_csv(tmp_path / "c.csv", lines), kind="attendance", user=cast.commune, commit=True)
    assert result.committed, result.errors[:3]
    _survey, attendance = assert_exact()
    assert sum(counts[1] for counts in attendance.values()) == 30


def test_compact_folds_the_deltas_and_recount_finds_the_same(units, codes, cast):
    kids = [
        Child.objects.create(full_name=f"Đinh Văn {n}", birth_year=2012, sex="M", commune=units.quang_trung)
        for n in range(4)
    ]
    for kid in kids:
        record = SurveyRecord.objects.create(child=kid, survey_year=2024, commune=units.quang_trung)
        record.any_risk = True
        record.save()
    before = assert_exact()
    rows_before = SurveyRollup.objects.count()
    call_command("rebuild_rollups", "--compact", stdout=StringIO())
    assert SurveyRollup.objects.count() < rows_before
    assert assert_exact() == before
    call_command("rebuild_rollups", stdout=StringIO())
    assert assert_exact() == before


def test_the_summary_reads_the_rollups_with_the_figures_of_the_records(units, codes, cast, monkeypatch):
    model = DaycareModelFactory(unit=units.quang_trung)
    enrolment = EnrolmentFactory(model=model, enrolled_on=dt.date(2024, 1, 1))
    Attendance.objects.create(enrolment=enrolment, date=dt.date(2024, 3, 4), present=True)
    for n, commune in enumerate([units.quang_trung, units.duy_tan, units.dakglei_town]):
        kid = Child.objects.create(full_name=f"Y Hoa {n}", birth_year=2015, sex="F", commune=commune)
        SurveyRecord.objects.create(child=kid, survey_year=2024, commune=commune, any_category=n == 0, any_risk=True)
    areas = [
        (cast.superuser, None),
        (cast.superuser, units.kontum),
        (cast.manager, units.kontum),
        (cast.commune, units.quang_trung),
    ]
    for user, unit in areas:
        area = ReportArea(unit=unit, year=2024)
        with CaptureQueriesContext(connection) as captured:
            rolled = annual_summary(user=user, area=area).as_json()
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        assert '"cases_surveyrecord"' not in sql and '"programs_attendance"' not in sql
        assert rolled["children_surveyed"] > 0 and rolled["daycare_avg_daily_attendance"] == 1
        with monkeypatch.context() as patched:  # the same report counted from the records
            patched.setattr(selectors, "rollups_serve", lambda user: False)
            assert annual_summary(user=user, area=area).as_json() == rolled


def test_a_collaborator_is_counted_from_the_records_they_see(units, codes, cast):
    assert rollups.rollups_serve(cast.manager) and rollups.rollups_serve(cast.superuser)
    assert not rollups.rollups_serve(cast.collaborator)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two concurrent database connections")
@pytest.mark.django_db(transaction=True)
def test_two_imports_into_one_commune_at_once_stay_exact(tmp_path, cast):
    ensure_codes()
    header = ["survey_year", "commune_code", "full_name", "date_of_birth", "sex", "circumstances", "risks"]
    paths = []
    for file in range(2):
        rows = [header] + [
            [
                2024,
                "23281",
                f"Trẻ Đồng Thời {file}-{n}",
                "01/01/2014",
                "F",
                "SC04" if n % 4 == 0 else "",
                "R01" if n % 3 else "",
            ]
            for n in range(200)
        ]
        paths.append(write_csv(tmp_path / f"{file}.csv", rows))
    start = threading.Barrier(2)
    results = []

    def import_one(path):
        try:
            start.wait()
            results.append(run_import(path=path, kind="children", user=cast.commune, commit=True))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=import_one, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2 and all(r.committed for r in results), [r.errors[:2] for r in results]
    survey, _attendance = assert_exact()
    assert sum(counts[0] for counts in survey.values()) == 400
    # Folding the deltas while nothing is written keeps them exact too.
    rollups.compact()
    assert assert_exact()[0] == survey


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_a_truncated_table_empties_its_rollup(units, codes):
    kid = Child.objects.create(full_name="Vũ Thị Lan", birth_year=2016, sex="F", commune=units.quang_trung)
    SurveyRecord.objects.create(child=kid, survey_year=2024, commune=units.quang_trung)
    assert survey_rolled() != {}
    with connection.cursor() as cursor:
        # The test's transaction holds deferred foreign-key checks, which TRUNCATE refuses to skip.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE cases_surveyrecord CASCADE")
    assert not SurveyRollup.objects.exists()
    assert_exact()
