"""``cases`` files follow the rules of a case recorded in the admin: deadlines, steps, history."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.models import Case, CaseTransition, ChangeRecord
from imports.pipeline import run_import
from imports.tests.factories import ChildFactory, ensure_codes, write_csv

HEADER = ["case_ref", "child_ref", "commune_code", "opened_on", "status", "closed_on", "outcome", "emergency"]


@pytest.fixture
def child(db, units):
    ensure_codes()
    return ChildFactory(child_ref="K1", commune=units.quang_trung)


def commit(tmp_path, rows, user, name="cases.csv"):
    return run_import(path=write_csv(tmp_path / name, [HEADER, *rows]), kind="cases", user=user, commit=True)


def day(text):
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def test_new_case_gets_its_first_step_history_and_emergency_deadline(tmp_path, cast, child):
    result = commit(tmp_path, [["C-1", "K1", "23281", "10/04/2024", "", "", "", "1"]], cast.commune)
    assert result.committed, result.errors
    case = Case.objects.get(case_ref="C-1")
    assert case.status == Case.Status.RECEIVED
    # No hour is known: 12 hours after the start of the opening day.
    opened = timezone.make_aware(dt.datetime(2024, 4, 10))
    assert case.intervention_due_at == opened + dt.timedelta(hours=12)
    assert case.is_overdue(now=timezone.now())
    assert case in Case.objects.overdue(now=timezone.now())
    step = CaseTransition.objects.get(case=case)
    assert (step.from_status, step.to_status, step.on, step.user) == ("", "received", day("10/04/2024"), cast.commune)
    assert "cases.csv" in step.note
    record = ChangeRecord.objects.get(case=case)
    assert (record.action, record.child, record.user) == ("created", child, cast.commune)


def test_imported_closed_case_is_closed_on_its_closing_date(tmp_path, cast, child):
    row = ["C-2", "K1", "23281", "10/04/2024", "closed", "20/12/2024", "goal_achieved", ""]
    assert commit(tmp_path, [row], cast.commune).committed
    step = CaseTransition.objects.get(case__case_ref="C-2")
    assert (step.to_status, step.on, step.outcome) == ("closed", day("20/12/2024"), "goal_achieved")
    assert Case.objects.get(case_ref="C-2").intervention_due_at is None


def test_status_change_is_a_step_and_a_history_entry(tmp_path, cast, child):
    commit(tmp_path, [["C-3", "K1", "23281", "10/04/2024", "received", "", "", ""]], cast.commune)
    version = Case.objects.get(case_ref="C-3").version
    result = commit(tmp_path, [["C-3", "K1", "23281", "10/04/2024", "detailed_assessment", "", "", ""]], cast.commune)
    assert result.counts["updated"] == 1, result.errors
    case = Case.objects.get(case_ref="C-3")
    today = timezone.localdate()
    step = case.transitions.order_by("-pk").first()
    assert (step.from_status, step.to_status, step.on) == ("received", "detailed_assessment", today)
    # The plan is due 5 working days after the assessment, as when the step is taken in the admin.
    assert case.assessed_on == today and case.plan_due_on > today
    assert case.version == version + 1
    change = ChangeRecord.objects.filter(case=case, action="changed").get()
    shown = {str(label) for label in (Case.Status.RECEIVED.label, Case.Status.DETAILED_ASSESSMENT.label)}
    assert any(set(pair) == shown for pair in change.changes.values()), change.changes


def test_reopening_a_closed_case_remembers_its_closing_date(tmp_path, cast, child):
    commit(tmp_path, [["C-4", "K1", "23281", "10/04/2024", "closed", "20/12/2024", "not_achieved", ""]], cast.commune)
    result = commit(tmp_path, [["C-4", "K1", "23281", "10/04/2024", "in_progress", "", "", ""]], cast.commune)
    assert result.committed, result.errors
    case = Case.objects.get(case_ref="C-4")
    assert (case.status, case.closed_on, case.outcome) == ("in_progress", None, "")
    step = case.transitions.order_by("-pk").first()
    assert (step.from_status, step.previous_closed_on) == ("closed", day("20/12/2024"))


def test_empty_cells_keep_the_stored_status_and_emergency(tmp_path, cast, child):
    commit(tmp_path, [["C-5", "K1", "23281", "10/04/2024", "in_progress", "", "", "1"]], cast.commune)
    result = commit(tmp_path, [["C-5", "K1", "23281", "10/04/2024", "", "", "", ""]], cast.commune)
    assert result.counts["unchanged"] == 1, result.errors
    case = Case.objects.get(case_ref="C-5")
    assert (case.status, case.emergency) == ("in_progress", True)
    assert case.transitions.count() == 1


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["C-6", "K1", "23281", "10/04/2024", "in_progress", "20/12/2024", "", ""], "closed_on"),
        (["C-6", "K1", "23281", "10/04/2024", "review", "", "goal_achieved", ""], "outcome"),
        (["C-6", "K1", "23281", "10/04/2024", "closed", "", "goal_achieved", ""], "status"),
        (["C-6", "K1", "23281", "01/01/2099", "", "", "", ""], "opened_on"),
        (["C-6", "K1", "23281", "10/04/2024", "closed", "01/01/2099", "goal_achieved", ""], "closed_on"),
        (["C-6", "K1", "23281", "10/04/2024", "closed", "01/04/2024", "goal_achieved", ""], "closed_on"),
    ],
)
def test_inconsistent_case_rows_are_refused(tmp_path, cast, child, row, column):
    result = commit(tmp_path, [row], cast.commune)
    assert column in {e["column"] for e in result.errors}
    assert not Case.objects.exists() and not CaseTransition.objects.exists()


def test_channel_column_is_read_and_an_empty_cell_keeps_it(tmp_path, cast, child):
    header = [*HEADER, "channel"]
    path = write_csv(tmp_path / "c.csv", [header, ["C-9", "K1", "23281", "10/04/2024", "", "", "", "0", "hotline_111"]])
    assert run_import(path=path, kind="cases", user=cast.commune, commit=True).committed
    assert Case.objects.get(case_ref="C-9").channel == "hotline_111"
    path = write_csv(tmp_path / "d.csv", [header, ["C-9", "K1", "23281", "10/04/2024", "", "", "", "0", ""]])
    assert run_import(path=path, kind="cases", user=cast.commune, commit=True).committed
    assert Case.objects.get(case_ref="C-9").channel == "hotline_111"


def test_unknown_channel_is_refused_on_its_column(tmp_path, cast, child):
    header = [*HEADER, "channel"]
    path = write_csv(tmp_path / "c.csv", [header, ["C-8", "K1", "23281", "10/04/2024", "", "", "", "0", "fax"]])
    result = run_import(path=path, kind="cases", user=cast.commune, commit=True)
    assert not result.committed
    assert not Case.objects.filter(case_ref="C-8").exists()


WORK = [*HEADER, "reported_at", "assigned_to"]


def commit_work(tmp_path, rows, user, name="work.csv"):
    return run_import(path=write_csv(tmp_path / name, [WORK, *rows]), kind="cases", user=user, commit=True)


@pytest.mark.parametrize(
    "cell", ["10/04/2024 08:30", "2024-04-10 08:30", "2024-04-10T08:30:00", "2024-04-10T01:30:00+00:00"]
)
def test_reported_at_is_read_in_every_format_and_starts_the_emergency_deadline(tmp_path, cast, child, cell):
    result = commit_work(tmp_path, [["C-10", "K1", "23281", "10/04/2024", "", "", "", "1", cell, ""]], cast.commune)
    assert result.committed, result.errors
    case = Case.objects.get(case_ref="C-10")
    reported = timezone.make_aware(dt.datetime(2024, 4, 10, 8, 30))
    assert case.reported_at == reported
    assert case.intervention_due_at == reported + dt.timedelta(hours=12)


def test_reported_at_from_an_excel_date_time_cell(tmp_path, cast, child):
    from imports.tests.factories import write_xlsx

    cell = dt.datetime(2024, 4, 10, 21, 15)
    path = write_xlsx(tmp_path / "c.xlsx", [WORK, ["C-11", "K1", "23281", "10/04/2024", "", "", "", "1", cell, ""]])
    result = run_import(path=path, kind="cases", user=cast.commune, commit=True)
    assert result.committed, result.errors
    case = Case.objects.get(case_ref="C-11")
    assert case.reported_at == timezone.make_aware(cell)
    assert case.intervention_due_at == timezone.make_aware(dt.datetime(2024, 4, 11, 9, 15))


def test_an_empty_reported_at_keeps_the_stored_one_and_a_new_one_moves_the_deadline(tmp_path, cast, child):
    commit_work(
        tmp_path, [["C-12", "K1", "23281", "10/04/2024", "", "", "", "1", "10/04/2024 08:30", ""]], cast.commune
    )
    kept = commit_work(tmp_path, [["C-12", "K1", "23281", "10/04/2024", "", "", "", "", "", ""]], cast.commune)
    assert kept.counts["unchanged"] == 1, kept.errors
    moved = commit_work(
        tmp_path, [["C-12", "K1", "23281", "10/04/2024", "", "", "", "", "10/04/2024 10:00", ""]], cast.commune
    )
    assert moved.counts["updated"] == 1, moved.errors
    case = Case.objects.get(case_ref="C-12")
    assert case.intervention_due_at == timezone.make_aware(dt.datetime(2024, 4, 10, 22, 0))
    change = ChangeRecord.objects.get(case=case, action="changed")
    assert str(Case._meta.get_field("reported_at").verbose_name) in change.changes


@pytest.mark.parametrize("cell", ["10/04/2024", "31/02/2024 08:00", "10/04/2024 24:30", "hôm qua", "01/01/2099 08:00"])
def test_a_bad_reported_at_is_a_located_error(tmp_path, cast, child, cell):
    result = commit_work(tmp_path, [["C-13", "K1", "23281", "10/04/2024", "", "", "", "1", cell, ""]], cast.commune)
    assert not result.committed
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "reported_at")], result.errors
    assert not Case.objects.exists()


def test_assigned_to_puts_an_officer_in_charge_with_a_history_entry(tmp_path, cast, child):
    row = ["C-14", "K1", "23281", "10/04/2024", "", "", "", "0", "", cast.district.username]
    assert commit_work(tmp_path, [row], cast.commune).committed
    case = Case.objects.get(case_ref="C-14")
    assert case.assigned_to == cast.district
    row[-1] = cast.commune.username
    assert commit_work(tmp_path, [row], cast.commune).counts["updated"] == 1
    case.refresh_from_db()
    assert case.assigned_to == cast.commune
    change = ChangeRecord.objects.get(case=case, action="changed")
    label = str(Case._meta.get_field("assigned_to").verbose_name)
    assert change.changes[label] == [str(cast.district), str(cast.commune)]
    # An empty cell keeps the officer in charge.
    row[-1] = ""
    assert commit_work(tmp_path, [row], cast.commune).counts["unchanged"] == 1
    case.refresh_from_db()
    assert case.assigned_to == cast.commune


def test_a_new_case_without_assignee_goes_to_the_importing_officer(tmp_path, cast, child):
    assert commit_work(
        tmp_path, [["C-15", "K1", "23281", "10/04/2024", "", "", "", "0", "", ""]], cast.commune
    ).committed
    assert Case.objects.get(case_ref="C-15").assigned_to == cast.commune


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody_here", "nobody_here"),
        ("peer_commune", "does not cover"),
        ("viewer", "Only an active commune, district or province officer"),
        ("collaborator", "Only an active commune, district or province officer"),
    ],
)
def test_an_assignee_who_may_not_take_the_case_is_a_located_error(tmp_path, cast, child, who, message):
    rows = [
        ["C-16", "K1", "23281", "10/04/2024", "", "", "", "0", "", cast.commune.username],
        ["C-17", "K1", "23281", "10/04/2024", "", "", "", "0", "", who],
    ]
    with translation.override("en"):
        result = commit_work(tmp_path, rows, cast.commune)
    assert not result.committed
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "assigned_to")], result.errors
    assert message in result.errors[0]["reason"]
    assert not Case.objects.exists()


def test_assignee_errors_are_in_vietnamese(tmp_path, cast, child):
    rows = [
        ["C-18", "K1", "23281", "10/04/2024", "", "", "", "0", "", cast.peer_commune.username],
        ["C-19", "K1", "23281", "10/04/2024", "", "", "", "0", "", "khong_co"],
        ["C-20", "K1", "23281", "10/04/2024", "", "", "", "1", "10/04/2024", ""],
    ]
    with translation.override("vi"):
        result = commit_work(tmp_path, rows, cast.commune)
    reasons = [e["reason"] for e in result.errors]
    assert reasons == [
        "Đơn vị của cán bộ này không quản lý xã của hồ sơ.",
        "Không có người dùng nào có tên đăng nhập khong_co.",
        "10/04/2024 không phải là ngày giờ (dùng DD/MM/YYYY HH:MM).",
    ], reasons


def test_assignees_cost_a_fixed_number_of_queries_whatever_the_rows(tmp_path, cast, units):
    ensure_codes()
    for number in range(40):
        ChildFactory(child_ref=f"Q{number}", commune=units.quang_trung)

    def rows(count, offset):
        return [
            [f"Q-{offset + i}", f"Q{i}", "23281", "10/04/2024", "", "", "", "0", "", cast.district.username]
            for i in range(count)
        ]

    def preview(count, offset):
        path = write_csv(tmp_path / f"q{count}.csv", [WORK, *rows(count, offset)])
        with CaptureQueriesContext(connection) as queries:
            result = run_import(path=path, kind="cases", user=cast.commune, commit=False)
        assert result.counts["new"] == count, result.errors
        return len(queries)

    assert preview(5, 0) == preview(40, 100)


def test_the_officer_already_in_charge_is_not_judged_again(tmp_path, cast, child):
    row = ["C-21", "K1", "23281", "10/04/2024", "", "", "", "0", "", cast.district.username]
    assert commit_work(tmp_path, [row], cast.commune).committed
    cast.district.is_active = False
    cast.district.save()
    assert commit_work(tmp_path, [row], cast.commune).counts["unchanged"] == 1
    row[0] = "C-22"
    refused = commit_work(tmp_path, [row], cast.commune)
    assert [(e["row"], e["column"]) for e in refused.errors] == [(2, "assigned_to")], refused.errors


def test_a_case_closing_before_it_opens_is_refused_with_the_models_words(tmp_path, cast, child):
    commit(tmp_path, [["C-23", "K1", "23281", "10/04/2024", "closed", "20/12/2024", "goal_achieved", ""]], cast.commune)
    # The stored closing date is kept; the file moves the opening after it.
    with translation.override("vi"):
        result = commit(tmp_path, [["C-23", "K1", "23281", "21/12/2024", "", "", "", ""]], cast.commune)
    assert [(e["row"], e["column"], e["reason"]) for e in result.errors] == [
        (2, "closed_on", "Không thể đóng hồ sơ trước ngày mở.")
    ]
    assert Case.objects.get(case_ref="C-23").opened_on == day("10/04/2024")


def test_the_step_and_the_history_entry_name_the_file_alike(tmp_path, cast, child):
    commit(tmp_path, [["C-24", "K1", "23281", "10/04/2024", "", "", "", ""]], cast.commune)
    commit(tmp_path, [["C-24", "K1", "23281", "10/04/2024", "verified", "", "", ""]], cast.commune, name="next.csv")
    step = CaseTransition.objects.get(case__case_ref="C-24", to_status="verified")
    change = ChangeRecord.objects.get(case__case_ref="C-24", action="changed")
    assert step.note == change.summary and "next.csv" in step.note
