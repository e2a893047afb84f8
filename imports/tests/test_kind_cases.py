"""``cases`` files follow the rules of a case recorded in the admin: deadlines, steps, history."""

import datetime as dt

import pytest
from django.utils import timezone

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
