"""Held identifiers: a personal ID or reference taken by a child the user cannot see.

``Child.personal_id`` and ``child_ref`` are unique among live children. Refusing a value held
by a child out of the user's scope would tell them that a given citizen's child is in the
system, so such a value is *held* instead: it is kept in ``pending_personal_id`` /
``pending_child_ref``, the unique field stays empty, the write succeeds as if the value were
free, and province reviewers resolve the duplicate (docs/contract/data-protection.md, "Held
identifiers"). A value held by a child the user can see keeps the clear "already exists" error.
This module is the one home of that rule: the service, the admin form, the API and the import
call it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.roles import Role
from scope.core import is_unrestricted

from .models import Child

if TYPE_CHECKING:
    from accounts.types import AnyUser

# The unique field and the field that holds its value while it awaits review.
HELD_FIELDS: tuple[tuple[str, str], ...] = (
    ("personal_id", "pending_personal_id"),
    ("child_ref", "pending_child_ref"),
)
REVIEWER_ROLES = {Role.PROVINCE_MANAGER, Role.PROVINCE_OFFICER}


def awaiting_review_q() -> Q:
    """Children holding a value that awaits a province-level duplicate review."""
    return ~Q(pending_personal_id="") | ~Q(pending_child_ref="")


def is_reviewer(user: AnyUser | None) -> bool:
    """Province officers and managers, and superusers, review held identifiers."""
    if is_unrestricted(user):
        return True
    return bool(user is not None and user.is_active and user.role in REVIEWER_ROLES and user.unit_id is not None)


def identifiers_show(child: Child) -> None:
    """Put held values back in their fields on this in-memory child, as the user entered them.

    Forms and the API edit the value as entered; ``identifiers_hold`` holds it again on save
    if it is still taken. The creator so sees the value they typed, never a blank that would
    tell them it was taken.
    """
    for field, pending in HELD_FIELDS:
        held = getattr(child, pending)
        if held and not getattr(child, field):
            setattr(child, field, held)
        setattr(child, pending, "")


def _holders(child: Child, field: str, value: str):
    others = Child.objects.filter(**{field: value}, archived_at__isnull=True)
    return others.exclude(pk=child.pk) if child.pk is not None else others


def identifiers_hold(*, child: Child, user: AnyUser | None) -> list[str]:
    """Hold each identifier of ``child`` that a live child out of ``user``'s scope has.

    The intended value is the field's, or the held one when the field is empty (a path that
    never showed it). A value taken by a visible child is left in its field so the unique
    check answers the clear error; a free value goes (back) to its field: that is how a held
    value is released once the other record is archived or changed. Returns the fields held.
    """
    held: list[str] = []
    for field, pending in HELD_FIELDS:
        value = getattr(child, field) or getattr(child, pending)
        setattr(child, field, value)
        setattr(child, pending, "")
        if not value:
            continue
        others = _holders(child, field, value)
        if others.exists() and not others.visible_to(user).exists():
            setattr(child, pending, value)
            setattr(child, field, "")
            held.append(field)
    return held


def _label(field: str) -> str:
    return str(getattr(Child._meta.get_field(field), "verbose_name", field))


def identifiers_check(child: Child) -> None:
    """Refuse, on its field, a value still taken after ``identifiers_hold``: its holder is visible."""
    errors = {
        field: [_("A child with this %(field)s already exists.") % {"field": _label(field)}]
        for field, _pending in HELD_FIELDS
        if getattr(child, field) and _holders(child, field, getattr(child, field)).exists()
    }
    if errors:
        raise ValidationError(errors)


def identifiers_clear(child: Child) -> None:
    """Forget the held values (a merge resolved the duplicate)."""
    for _field, pending in HELD_FIELDS:
        setattr(child, pending, "")
