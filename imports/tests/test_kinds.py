"""The five other kinds: preview, commit, re-import unchanged, matching rules."""

import datetime as dt

import pytest

from cases.models import Case, Child, CommuneStats
from imports.pipeline import run_import
from imports.tests.factories import ChildFactory, ProtectionModelFactory, ensure_codes, write_csv
from outreach.models import OutreachEvent
from programs.models import Attendance, Enrolment, ProtectionModel


@pytest.fixture
def codes(db):
    ensure_codes()


def commit(tmp_path, kind, rows, user, name="f.csv"):
    return run_import(path=write_csv(tmp_path / name, rows), kind=kind, user=user, commit=True)


def test_commune_stats_upsert_by_year_and_commune(tmp_path, cast, codes):
    header = ["survey_year", "commune_code", "children_total", "children_male", "children_female"]
    rows = [header, [2020, "23281", 1000, 510, 490], [2020, "23284", 800, "", ""]]
    assert commit(tmp_path, "commune_stats", rows, cast.district).counts["new"] == 2
    rows[1][2] = 1001
    result = commit(tmp_path, "commune_stats", rows, cast.district)
    assert (result.counts["updated"], result.counts["unchanged"]) == (1, 1)
    assert CommuneStats.objects.get(commune__code="23281").children_total == 1001
    stats = CommuneStats.objects.get(commune__code="23281")
    assert stats.current_unit is not None


def test_commune_stats_parts_larger_than_total(tmp_path, cast, codes):
    header = ["survey_year", "commune_code", "children_total", "children_male", "children_female"]
    result = commit(tmp_path, "commune_stats", [header, [2020, "23281", 10, 8, 8]], cast.commune)
    assert result.errors and CommuneStats.objects.count() == 0


def test_models_by_code_with_any_unit_level(tmp_path, cast, codes):
    header = ["code", "name", "kind", "unit_code", "established_on", "members_count"]
    rows = [
        header,
        ["CB-1", "Hệ thống BVTE", "cbcp_system", "23281", "01/02/2019", 12],
        ["CLB-1", "CLB quyền trẻ em", "CHILD CLUB", "608", "2020-05-01", ""],
    ]
    result = commit(tmp_path, "models", rows, cast.province)
    assert result.committed, result.errors
    assert ProtectionModel.objects.get(code="CLB-1").unit.code == "608"
    assert commit(tmp_path, "models", rows, cast.province).counts["unchanged"] == 2


def test_models_unknown_kind_is_an_error(tmp_path, cast, codes):
    rows = [["code", "name", "kind", "unit_code", "established_on"], ["X", "X", "club?", "23281", "01/02/2019"]]
    result = commit(tmp_path, "models", rows, cast.commune)
    assert [e["column"] for e in result.errors] == ["kind"]


def test_cases_link_children_by_reference_or_personal_id(tmp_path, cast, codes, units):
    ChildFactory(child_ref="K1", commune=units.quang_trung)
    ChildFactory(personal_id="062210001234", commune=units.quang_trung)
    header = [
        "case_ref",
        "child_ref",
        "personal_id",
        "commune_code",
        "opened_on",
        "status",
        "closed_on",
        "outcome",
        "circumstances",
    ]
    rows = [
        header,
        ["C-1", "K1", "", "23281", "10/04/2024", "", "", "", "SC09"],
        ["C-2", "", "062210001234", "23281", "11/04/2024", "closed", "20/12/2024", "goal_achieved", ""],
    ]
    result = commit(tmp_path, "cases", rows, cast.commune)
    assert result.committed, result.errors
    assert Case.objects.get(case_ref="C-1").circumstances.get().code == "SC09"
    assert Case.objects.get(case_ref="C-2").outcome == "goal_achieved"
    assert commit(tmp_path, "cases", rows, cast.commune).counts["unchanged"] == 2


def test_cases_of_a_child_outside_the_scope_are_refused(tmp_path, cast, codes, units):
    ChildFactory(child_ref="K9", commune=units.dakglei_town)
    rows = [["case_ref", "child_ref", "commune_code", "opened_on"], ["C-9", "K9", "23281", "10/04/2024"]]
    result = commit(tmp_path, "cases", rows, cast.commune)
    assert [e["column"] for e in result.errors] == ["child_ref"]
    assert Case.objects.count() == 0


def test_events_match_by_ref_then_by_natural_key(tmp_path, cast, codes):
    header = ["date", "unit_code", "kind", "venue", "topic", "participants_total", "participants_children", "event_ref"]
    rows = [
        header,
        ["20/05/2024", "23281", "talk", "school", "Phòng chống xâm hại", 100, 60, ""],
        ["21/05/2024", "23281", "campaign", "community", "Tháng hành động", 300, 100, "E-1"],
    ]
    assert commit(tmp_path, "events", rows, cast.commune).counts["new"] == 2
    rows[2][5] = 350
    rows[2][4] = "Tháng hành động vì trẻ em"
    result = commit(tmp_path, "events", rows, cast.commune)
    assert (result.counts["updated"], result.counts["unchanged"]) == (1, 1), result.errors
    assert OutreachEvent.objects.count() == 2
    assert OutreachEvent.objects.get(event_ref="E-1").participants_total == 350


def test_events_children_above_total(tmp_path, cast, codes):
    header = ["date", "unit_code", "kind", "venue", "topic", "participants_total", "participants_children"]
    result = commit(tmp_path, "events", [header, ["20/05/2024", "23281", "talk", "school", "T", 10, 11]], cast.commune)
    assert [e["column"] for e in result.errors] == ["participants_children"]


def test_attendance_enrolls_a_child_from_the_first_date(tmp_path, cast, codes, units):
    model = ProtectionModelFactory(code="BT-1", unit=units.quang_trung)
    child = ChildFactory(child_ref="K1", commune=units.quang_trung)
    header = ["date", "model_code", "child_ref", "present", "services"]
    rows = [header, ["03/05/2024", "BT-1", "K1", "1", "Ăn trưa"], ["02/05/2024", "BT-1", "K1", "0", ""]]
    result = commit(tmp_path, "attendance", rows, cast.commune)
    assert result.committed, result.errors
    enrolment = Enrolment.objects.get(model=model, child=child)
    assert enrolment.enrolled_on == dt.date(2024, 5, 2)
    assert Attendance.objects.filter(enrolment=enrolment).count() == 2
    rows.append(["04/05/2024", "BT-1", "K1", "", ""])
    result = commit(tmp_path, "attendance", rows, cast.commune)
    assert (result.counts["new"], result.counts["unchanged"]) == (1, 2)
    assert Enrolment.objects.count() == 1


def test_attendance_unknown_model_or_child(tmp_path, cast, codes, units):
    ProtectionModelFactory(code="BT-1", unit=units.quang_trung)
    ProtectionModelFactory(code="BT-2", unit=units.dakglei_town)
    header = ["date", "model_code", "child_ref"]
    rows = [header, ["03/05/2024", "BT-2", "K1"], ["03/05/2024", "BT-1", "NOPE"]]
    result = commit(tmp_path, "attendance", rows, cast.commune)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "model_code"), (3, "child_ref")]
    assert Child.objects.count() == 0


MODEL_HEADER = ["code", "name", "kind", "unit_code", "established_on", "ended_on"]


def test_models_cbcp_system_on_a_district_is_refused(tmp_path, cast, codes):
    rows = [MODEL_HEADER, ["CB-D", "Hệ thống BVTE huyện", "cbcp_system", "608", "01/02/2019", ""]]
    result = commit(tmp_path, "models", rows, cast.province)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "unit_code")]
    assert ProtectionModel.objects.count() == 0


def test_models_two_open_cbcp_systems_of_one_commune_are_a_row_error(tmp_path, cast, codes):
    rows = [
        MODEL_HEADER,
        ["CB-1", "Hệ thống BVTE", "cbcp_system", "23281", "01/02/2019", ""],
        ["CB-2", "Hệ thống BVTE mới", "cbcp_system", "23281", "01/02/2021", ""],
    ]
    preview = run_import(path=write_csv(tmp_path / "p.csv", rows), kind="models", user=cast.commune, commit=False)
    assert [(e["row"], e["column"]) for e in preview.errors] == [(3, "unit_code")]
    result = commit(tmp_path, "models", rows, cast.commune)
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "unit_code")]
    assert "CB-1" in result.errors[0]["reason"]
    assert ProtectionModel.objects.count() == 0


def test_models_open_cbcp_system_next_to_a_stored_one_is_a_row_error(tmp_path, cast, codes, units):
    ProtectionModelFactory(code="CB-1", kind="cbcp_system", unit=units.quang_trung)
    rows = [MODEL_HEADER, ["CB-2", "Hệ thống BVTE mới", "cbcp_system", "23281", "01/02/2021", ""]]
    result = commit(tmp_path, "models", rows, cast.commune)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "unit_code")]
    assert ProtectionModel.objects.count() == 1


def test_models_a_file_may_replace_a_communes_cbcp_system(tmp_path, cast, codes, units):
    qt = units.quang_trung
    ProtectionModelFactory(code="CB-1", kind="cbcp_system", unit=qt, established_on=dt.date(2015, 1, 1))
    ProtectionModelFactory(
        code="CB-2", kind="cbcp_system", unit=qt, established_on=dt.date(2021, 2, 1), ended_on=dt.date(2021, 2, 1)
    )
    rows = [
        MODEL_HEADER,
        # The system that opens comes first in the file, the one it replaces is closed below it.
        ["CB-2", "Hệ thống BVTE mới", "cbcp_system", "23281", "01/02/2021", ""],
        ["CB-1", "Hệ thống BVTE", "cbcp_system", "23281", "01/01/2015", "31/01/2021"],
    ]
    result = commit(tmp_path, "models", rows, cast.commune)
    assert result.committed, result.errors
    assert ProtectionModel.objects.get(code="CB-1").ended_on == dt.date(2021, 1, 31)
    assert ProtectionModel.objects.get(code="CB-2").ended_on is None


def test_attendance_of_an_ended_child_club_is_refused(tmp_path, cast, codes, units):
    ProtectionModelFactory(
        code="CLB-1",
        kind="child_club",
        unit=units.quang_trung,
        established_on=dt.date(2019, 1, 1),
        ended_on=dt.date(2023, 12, 31),
    )
    ChildFactory(child_ref="K1", commune=units.quang_trung)
    rows = [["date", "model_code", "child_ref"], ["03/05/2024", "CLB-1", "K1"]]
    result = commit(tmp_path, "attendance", rows, cast.commune)
    # Only a day-care model enrols children.
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "model_code")]
    assert (Enrolment.objects.count(), Attendance.objects.count()) == (0, 0)


def test_attendance_outside_the_models_period_or_the_enrolment_is_refused(tmp_path, cast, codes, units):
    model = ProtectionModelFactory(code="BT-1", unit=units.quang_trung, ended_on=dt.date(2024, 6, 30))
    left = ChildFactory(child_ref="K1", commune=units.quang_trung)
    ChildFactory(child_ref="K2", commune=units.quang_trung)
    Enrolment.objects.create(
        model=model, child=left, child_ref="K1", enrolled_on=dt.date(2024, 1, 1), left_on=dt.date(2024, 3, 31)
    )
    rows = [
        ["date", "model_code", "child_ref"],
        ["02/05/2024", "BT-1", "K1"],  # after the child left
        ["02/05/2024", "BT-1", "K2"],  # enrols K2
        ["01/08/2024", "BT-1", "K2"],  # after the model ended
    ]
    result = commit(tmp_path, "attendance", rows, cast.commune)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "date"), (4, "date")]
    assert (Enrolment.objects.count(), Attendance.objects.count()) == (1, 0)
