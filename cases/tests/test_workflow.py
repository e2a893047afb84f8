import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases.models import Case, CaseTransition, ChangeRecord, SupportPlan
from cases.services import case_save, case_transition
from cases.workflow import TRANSITIONS, import_path, is_allowed
from imports.pipeline import run_import
from imports.tests.factories import ensure_codes, write_csv

from .factories import CaseFactory, ChildFactory

S = Case.Status
PLAN = {"decision_no": "12/QĐ-UBND", "decision_on": dt.date(2024, 4, 1)}


def extra_for(to_status):
    if to_status == S.CLOSED:
        return {"outcome": Case.Outcome.GOAL_ACHIEVED}
    if to_status == S.PLAN_APPROVED:
        return dict(PLAN)
    return {}


def make_case(units, status=S.RECEIVED, **kwargs):
    case = CaseFactory(commune=units.quang_trung, status=status, **kwargs)
    if status == S.CLOSED:
        Case.objects.filter(pk=case.pk).update(closed_on=dt.date(2024, 5, 1), outcome=Case.Outcome.NOT_ACHIEVED)
        case.refresh_from_db()
    return case


ALLOWED = [(a, b) for a, nexts in TRANSITIONS.items() for b in nexts]
REFUSED = [(a, b) for a in S.values for b in S.values if (a, b) not in ALLOWED]


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition_is_recorded(cast, units, from_status, to_status):
    case = make_case(units, from_status)
    step = case_transition(
        case=case, user=cast.commune, to_status=to_status, on=dt.date(2024, 6, 3), note="n", **extra_for(to_status)
    )
    case.refresh_from_db()
    assert case.status == to_status
    assert (step.from_status, step.to_status, step.user, step.note) == (from_status, to_status, cast.commune, "n")
    assert ChangeRecord.objects.filter(case=case, action=ChangeRecord.Action.TRANSITION).count() == 1


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_refused_transition_changes_nothing(cast, units, from_status, to_status):
    case = make_case(units, from_status)
    with pytest.raises(ValidationError) as exc:
        case_transition(
            case=case, user=cast.commune, to_status=to_status, on=dt.date(2024, 6, 3), **extra_for(to_status)
        )
    assert "to_status" in exc.value.message_dict
    case.refresh_from_db()
    assert case.status == from_status
    assert not CaseTransition.objects.filter(case=case).exists()


@pytest.mark.parametrize("who", ["viewer", "collaborator", "manager", "no_unit"])
def test_roles_that_may_not_act_are_refused(cast, units, who):
    case = make_case(units, reported_by=cast.collaborator)
    with pytest.raises(PermissionDenied):
        case_transition(case=case, user=getattr(cast, who), to_status=S.VERIFIED)
    case.refresh_from_db()
    assert case.status == S.RECEIVED


@pytest.mark.parametrize("who", ["commune", "district", "province", "superuser"])
def test_officers_of_the_unit_or_above_may_act(cast, units, who):
    case = make_case(units)
    case_transition(case=case, user=getattr(cast, who), to_status=S.VERIFIED)
    case.refresh_from_db()
    assert case.status == S.VERIFIED


@pytest.mark.parametrize("who", ["peer_commune", "peer_district", "other_province"])
def test_officers_out_of_scope_are_refused(cast, units, who):
    case = make_case(units)
    with pytest.raises(ValidationError):
        case_transition(case=case, user=getattr(cast, who), to_status=S.VERIFIED)
    case.refresh_from_db()
    assert case.status == S.RECEIVED


def test_closure_without_outcome_is_refused(cast, units):
    case = make_case(units, S.REVIEW)
    with pytest.raises(ValidationError) as exc:
        case_transition(case=case, user=cast.commune, to_status=S.CLOSED)
    assert "outcome" in exc.value.message_dict
    case.refresh_from_db()
    assert case.status == S.REVIEW and case.closed_on is None


def test_closure_records_date_and_outcome(cast, units):
    case = make_case(units, S.REVIEW)
    case_transition(case=case, user=cast.commune, to_status=S.CLOSED, on=dt.date(2024, 7, 1), outcome="transferred")
    case.refresh_from_db()
    assert (case.closed_on, case.outcome) == (dt.date(2024, 7, 1), "transferred")


def test_plan_approval_needs_the_chairmans_decision(cast, units):
    case = make_case(units, S.DETAILED_ASSESSMENT)
    with pytest.raises(ValidationError) as exc:
        case_transition(case=case, user=cast.commune, to_status=S.PLAN_APPROVED)
    assert {"decision_no", "decision_on"} <= set(exc.value.message_dict)
    assert not SupportPlan.objects.exists()


def test_each_plan_approval_starts_a_plan_cycle(cast, units):
    case = make_case(units, S.DETAILED_ASSESSMENT)
    case_transition(case=case, user=cast.commune, to_status=S.PLAN_APPROVED, on=dt.date(2024, 4, 2), **PLAN)
    case_transition(case=case, user=cast.commune, to_status=S.IN_PROGRESS, on=dt.date(2024, 4, 3))
    case_transition(case=case, user=cast.commune, to_status=S.REVIEW, on=dt.date(2024, 5, 3))
    case_transition(
        case=case, user=cast.commune, to_status=S.PLAN_APPROVED, on=dt.date(2024, 5, 6),
        decision_no="20/QĐ-UBND", decision_on=dt.date(2024, 5, 6),
    )  # fmt: skip
    assert list(case.plans.values_list("cycle", "decision_no")) == [(1, "12/QĐ-UBND"), (2, "20/QĐ-UBND")]


def test_reopening_keeps_the_history(cast, units):
    case = make_case(units, S.REVIEW)
    case_transition(case=case, user=cast.commune, to_status=S.CLOSED, on=dt.date(2024, 7, 1), outcome="goal_achieved")
    case_transition(case=case, user=cast.commune, to_status=S.INITIAL_ASSESSMENT, on=dt.date(2025, 2, 1))
    case.refresh_from_db()
    assert case.status == S.INITIAL_ASSESSMENT and case.closed_on is None and case.outcome == ""
    steps = list(case.transitions.values_list("to_status", "outcome", "previous_closed_on"))
    assert steps == [(S.CLOSED, "goal_achieved", None), (S.INITIAL_ASSESSMENT, "", dt.date(2024, 7, 1))]


def test_step_dated_before_the_previous_one_is_refused(cast, units):
    case = make_case(units)
    case_transition(case=case, user=cast.commune, to_status=S.VERIFIED, on=dt.date(2024, 6, 3))
    with pytest.raises(ValidationError) as exc:
        case_transition(case=case, user=cast.commune, to_status=S.INITIAL_ASSESSMENT, on=dt.date(2024, 6, 1))
    assert "on" in exc.value.message_dict


def test_stale_version_is_refused(cast, units):
    case = make_case(units)
    first = Case.objects.get(pk=case.pk)
    second = Case.objects.get(pk=case.pk)
    first.notes = "first officer"
    case_save(case=first, user=cast.commune, expected_version=first.version)
    second.notes = "second officer"
    with pytest.raises(ValidationError) as exc:
        case_save(case=second, user=cast.district, expected_version=second.version)
    assert exc.value.code == "stale"
    assert Case.objects.get(pk=case.pk).notes == "first officer"


def test_detailed_assessment_sets_the_plan_deadline(cast, units):
    case = make_case(units, S.INITIAL_ASSESSMENT)
    case_transition(case=case, user=cast.commune, to_status=S.DETAILED_ASSESSMENT, on=dt.date(2024, 6, 6))  # Thu
    case.refresh_from_db()
    assert case.plan_due_on == dt.date(2024, 6, 13)
    assert case.is_overdue(now=timezone.make_aware(dt.datetime(2024, 6, 14, 9)))
    assert not case.is_overdue(now=timezone.make_aware(dt.datetime(2024, 6, 13, 9)))
    assert Case.objects.overdue(now=timezone.make_aware(dt.datetime(2024, 6, 14, 9))).filter(pk=case.pk).exists()


def test_emergency_case_overdue_twelve_hours_after_report(cast, units):
    child = ChildFactory(commune=units.quang_trung)
    reported = timezone.make_aware(dt.datetime(2024, 6, 3, 8, 0))
    case = case_save(
        case=Case(child=child, commune=units.quang_trung, opened_on=dt.date(2024, 6, 3), emergency=True,
                  reported_at=reported),
        user=cast.commune,
    )  # fmt: skip
    assert case.intervention_due_at == reported + dt.timedelta(hours=12)
    overdue = Case.objects.overdue
    assert not overdue(now=reported + dt.timedelta(hours=11)).filter(pk=case.pk).exists()
    assert overdue(now=reported + dt.timedelta(hours=13)).filter(pk=case.pk).exists()
    case.intervened_at = reported + dt.timedelta(hours=5)
    case_save(case=case, user=cast.commune)
    assert not overdue(now=reported + dt.timedelta(hours=13)).filter(pk=case.pk).exists()


def test_new_case_gets_a_number_and_its_first_step(cast, units):
    child = ChildFactory(commune=units.quang_trung)
    case = case_save(
        case=Case(child=child, commune=units.quang_trung, opened_on=dt.date(2024, 6, 3)), user=cast.commune
    )
    assert case.case_ref == f"23281-2024-{case.pk:06d}"
    assert list(case.transitions.values_list("from_status", "to_status")) == [("", S.RECEIVED)]
    assert case.reported_by == cast.commune


def test_case_for_a_child_out_of_scope_is_refused(cast, units):
    child = ChildFactory(commune=units.dakglei_town)
    with pytest.raises(ValidationError) as exc:
        case_save(case=Case(child=child, commune=units.quang_trung, opened_on=dt.date(2024, 6, 3)), user=cast.commune)
    assert "child" in exc.value.message_dict
    assert not Case.objects.exists()


# The import path: a file records where a case stands, and may jump steps along the table.

NEW = ""


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_every_step_of_the_table_is_an_import_path_of_its_own(from_status, to_status):
    assert import_path(from_status, to_status) == (to_status,)


@pytest.mark.parametrize(
    ("from_status", "to_status", "path"),
    [
        # Old cases come at a late step or already closed: they start at intake.
        (NEW, S.RECEIVED, (S.RECEIVED,)),
        (NEW, S.CLOSED, (S.RECEIVED, S.CLOSED)),
        (
            NEW,
            S.IN_PROGRESS,
            (S.RECEIVED, S.VERIFIED, S.INITIAL_ASSESSMENT, S.DETAILED_ASSESSMENT, S.PLAN_APPROVED, S.IN_PROGRESS),
        ),
        # A later file moves a stored case on by several steps at once.
        (S.RECEIVED, S.DETAILED_ASSESSMENT, (S.VERIFIED, S.INITIAL_ASSESSMENT, S.DETAILED_ASSESSMENT)),
        # A reopened case is re-assessed before it is back in progress.
        (S.CLOSED, S.IN_PROGRESS, (S.INITIAL_ASSESSMENT, S.DETAILED_ASSESSMENT, S.PLAN_APPROVED, S.IN_PROGRESS)),
        # A new plan cycle after a review.
        (S.REVIEW, S.IN_PROGRESS, (S.PLAN_APPROVED, S.IN_PROGRESS)),
        (S.IN_PROGRESS, S.IN_PROGRESS, ()),
    ],
)
def test_a_file_may_jump_steps_along_the_table(from_status, to_status, path):
    assert import_path(from_status, to_status) == path


# Once past intake and verification, no step of the table leads back to them.
REFUSED_IMPORTS = {(a, S.RECEIVED) for a in S.values if a != S.RECEIVED} | {
    (a, S.VERIFIED) for a in S.values if a not in (S.RECEIVED, S.VERIFIED)
}


@pytest.mark.parametrize("from_status", [NEW, *S.values])
@pytest.mark.parametrize("to_status", S.values)
def test_an_import_path_is_a_chain_of_allowed_steps_or_refused(from_status, to_status):
    path = import_path(from_status, to_status)
    if (from_status, to_status) in REFUSED_IMPORTS:
        assert path is None
        return
    assert path is not None
    if from_status:
        chain = [from_status, *path]
    else:
        # A new case starts at intake.
        assert path[0] == S.RECEIVED
        chain = list(path)
    assert all(is_allowed(a, b) for a, b in itertools.pairwise(chain))
    assert (path[-1] if path else from_status) == to_status


def test_a_file_that_sends_a_case_back_is_a_located_vietnamese_error(tmp_path, cast, units):
    ensure_codes()
    ChildFactory(child_ref="K1", commune=units.quang_trung)
    header = ["case_ref", "child_ref", "commune_code", "opened_on", "status"]

    def run(status, name):
        path = write_csv(tmp_path / name, [header, ["C-1", "K1", "23281", "10/04/2024", status]])
        with translation.override("vi"):
            return run_import(path=path, kind="cases", user=cast.commune, commit=True)

    assert run(S.IN_PROGRESS, "first.csv").committed
    refused = run(S.RECEIVED, "back.csv")
    assert not refused.committed
    assert [(e["row"], e["column"], e["value"]) for e in refused.errors] == [(2, "status", "received")]
    assert refused.errors[0]["reason"] == (
        "Hồ sơ ở trạng thái “Đang thực hiện kế hoạch” không thể chuyển sang “Tiếp nhận thông báo (mẫu 01)”."
    )
    # The buttons refuse the same move with the same words.
    case = Case.objects.get(case_ref="C-1")
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        case_transition(case=case, user=cast.commune, to_status=S.RECEIVED)
    assert exc.value.message_dict["to_status"] == [refused.errors[0]["reason"]]
    assert case.status == S.IN_PROGRESS and case.transitions.count() == 1
