"""The case workflow of Decree 56/2017 as a table: which step may follow which, who may act, and
what a step writes.

The workflow buttons (``services.case_transition``) and the cases import both move cases through
this module: the table says where a case may go, ``take_step`` what a step changes on the case and
the step row that records it, ``first_step`` the row of a new case. The import writes many rows at
once, so these functions build unsaved objects and the callers save them, one or in bulk.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.types import recorded_user
from scope.core import is_unrestricted

from .deadlines import plan_due
from .models import Case, CaseTransition

if TYPE_CHECKING:
    from accounts.types import AnyUser

S = Case.Status

# from status -> allowed next statuses, in the order the buttons show them.
TRANSITIONS: dict[str, list[str]] = {
    S.RECEIVED: [S.VERIFIED, S.CLOSED],
    S.VERIFIED: [S.INITIAL_ASSESSMENT, S.CLOSED],
    S.INITIAL_ASSESSMENT: [S.DETAILED_ASSESSMENT, S.CLOSED],
    S.DETAILED_ASSESSMENT: [S.PLAN_APPROVED, S.CLOSED],
    S.PLAN_APPROVED: [S.IN_PROGRESS, S.CLOSED],
    S.IN_PROGRESS: [S.REVIEW, S.CLOSED],
    # A review closes the case or starts a new plan cycle.
    S.REVIEW: [S.CLOSED, S.PLAN_APPROVED],
    # Reopening re-assesses the child; the earlier steps stay in the history.
    S.CLOSED: [S.INITIAL_ASSESSMENT],
}

# Officers of the case's unit or above; managers read, collaborators and viewers never act.
ACTING_ROLES = {Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER}


def allowed_next(status: str) -> list[str]:
    return list(TRANSITIONS.get(status, []))


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, [])


def refusal(from_status: str, to_status: str) -> str:
    """Why a case at ``from_status`` cannot go to ``to_status`` (the buttons and the import say it alike)."""
    labels = dict(S.choices)
    return _("A case in status “%(from)s” cannot move to “%(to)s”.") % {
        "from": labels.get(from_status, from_status),
        "to": labels.get(to_status, to_status),
    }


@cache
def import_path(from_status: str, to_status: str) -> tuple[str, ...] | None:
    """The statuses a file takes a case through from ``from_status`` to ``to_status``; None if refused.

    A file tells where a case stands, not each step it took: old cases come already closed or at
    a late step. So an import may jump steps, but only along the table: the answer is the
    shortest chain of allowed transitions, ending at ``to_status``. A case new to the system
    (``from_status`` "") starts at ``received``, from which every status is reached; a stored case
    cannot be sent back to a step the table never returns to (``in_progress`` to ``received``).
    The same status is no move: an empty chain. The import records the whole chain as one step
    (``take_step``), with the effects of the status it arrives at.
    """
    if from_status == to_status:
        return ()
    start = from_status or S.RECEIVED
    if start == to_status:
        return (to_status,)
    # Breadth first over the table: the first chain that reaches ``to_status`` is a shortest one.
    chains: dict[str, tuple[str, ...]] = {start: (start,) if not from_status else ()}
    frontier = [start]
    while frontier:
        following = []
        for status in frontier:
            for after in TRANSITIONS.get(status, []):
                if after in chains:
                    continue
                chains[after] = (*chains[status], after)
                if after == to_status:
                    return chains[after]
                following.append(after)
        frontier = following
    return None


def first_step(case: Case, *, user: Any = None, note: str = "") -> CaseTransition:
    """The unsaved step that records a new ``case`` at the status it is created with.

    It is dated by the case's opening; a case recorded already closed (an old case imported) is
    dated by its closure and carries its outcome, as a closing step does.
    """
    closed = case.status == S.CLOSED
    return CaseTransition(
        case=case,
        from_status="",
        to_status=case.status,
        on=case.closed_on if closed and case.closed_on else case.opened_on,
        outcome=case.outcome if closed else "",
        user=recorded_user(user),
        note=note,
    )


def take_step(
    case: Case, to_status: str, *, on: dt.date, user: Any = None, outcome: str = "", note: str = ""
) -> CaseTransition:
    """Move ``case`` (in memory) to ``to_status`` on ``on``; the unsaved step row that records it.

    What a step changes, wherever it is taken: a closure dates the case closed with its outcome;
    leaving a closure (a reopening) clears both and the step remembers the closure date it undoes
    (reports count the years the case was closed); a detailed assessment starts the plan's
    deadline of 5 working days, an approved plan ends it. The caller has checked the move
    (``is_allowed``, ``import_path``) and its date, and saves the case and the step.
    """
    step = CaseTransition(
        case=case, from_status=case.status, to_status=to_status, on=on, user=recorded_user(user), note=note
    )
    if to_status == S.CLOSED:
        case.closed_on = on
        case.outcome = outcome
        step.outcome = outcome
    elif case.status == S.CLOSED:
        step.previous_closed_on = case.closed_on
        case.closed_on = None
        case.outcome = ""
    if to_status == S.DETAILED_ASSESSMENT:
        case.assessed_on = on
        case.plan_due_on = plan_due(on)
    elif to_status == S.PLAN_APPROVED:
        case.plan_due_on = None
    case.status = to_status
    return step


def may_act(user: AnyUser | None) -> bool:
    """Whether ``user``'s role may move cases (scope is checked separately)."""
    if is_unrestricted(user):
        return True
    return bool(
        user is not None
        and user.is_active
        and user.role in ACTING_ROLES
        and user.unit_id is not None
        and user.has_perm("cases.change_case")
    )
