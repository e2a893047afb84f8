"""Who is in charge of a case (docs/contract/case-work.md, "Assignment").

``assignee_check`` is the one home of the rule: the assignee is an active commune, district or
province officer whose unit covers the case's commune, i.e. the case is visible to them through
the scope mechanism. ``case_assign`` changes it and records the change in the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.roles import Role
from scope.core import OutOfScope, ensure_in_scope

from . import history
from .models import Case, ChangeRecord

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.types import AnyUser

# Collaborators report, viewers read figures, managers supervise: only officers take a case.
ASSIGNABLE_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.PROVINCE_OFFICER})


def is_assignable_user(user: AnyUser | None) -> bool:
    """An active officer with a unit (the role part of the rule, without the case)."""
    return bool(
        user is not None
        and user.is_active
        and getattr(user, "role", "") in ASSIGNABLE_ROLES
        and getattr(user, "unit_id", None) is not None
    )


def assignee_check(*, case: Case, assignee: User | None, field: str = "assigned_to", unsaved: bool = False) -> None:
    """Raise a ``ValidationError`` on ``field`` unless ``assignee`` may be in charge of ``case``.

    A stored case must be visible to the assignee (``visible_to``); a case not saved yet must be
    one the assignee could write (``ensure_in_scope``), the same scope seen from the write side.
    """
    if assignee is None:
        return
    if not is_assignable_user(assignee):
        message = _("Only an active commune, district or province officer can be assigned a case.")
        raise ValidationError({field: message})
    if unsaved or case.pk is None:
        try:
            ensure_in_scope(case, assignee)
        except OutOfScope:
            covered = False
        else:
            covered = True
    else:
        covered = Case.objects.visible_to(assignee).filter(pk=case.pk).exists()
    if not covered:
        raise ValidationError({field: _("This officer's unit does not cover the case's commune.")})


def default_assignee(case: Case, reporter: User | None) -> User | None:
    """A new case goes to its reporter when the reporter is an officer (else nobody)."""
    return reporter if is_assignable_user(reporter) else None


@transaction.atomic
def case_assign(*, case: Case, assignee: User | None, by: User) -> Case:
    """Put ``assignee`` (or nobody, ``None``) in charge of ``case``; the change goes in the history."""
    ensure_in_scope(case, by)
    assignee_check(case=case, assignee=assignee)
    old = case.assigned_to
    if (old.pk if old else None) == (assignee.pk if assignee else None):
        return case
    case.assigned_to = assignee
    # A concurrent edit of the case sees its version move, like any other change.
    Case._base_manager.filter(pk=case.pk).update(assigned_to=assignee, version=F("version") + 1)
    case.version += 1
    label = str(Case._meta.get_field("assigned_to").verbose_name)
    history.record(
        user=by,
        action=ChangeRecord.Action.CHANGED,
        child=case.child,
        case=case,
        changes={label: [str(old) if old else "", str(assignee) if assignee else ""]},
    )
    return case
