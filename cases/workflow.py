"""The case workflow of Decree 56/2017 as a table: which step may follow which, and who may act."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.roles import Role
from scope.core import is_unrestricted

from .models import Case

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
