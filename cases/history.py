"""Readable change history of children and cases (``ChangeRecord``), written by the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext as _

from accounts.types import recorded_user

from .models import Case, ChangeRecord, Child

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.types import AnyUser

# Personal data, shown only to users with ``accounts.view_personal_data``. Everyone who may open
# the child reads its history, so a change of one of these is recorded without the values.
SENSITIVE_CHILD_FIELDS = frozenset({"personal_id"})
SENSITIVE_CASE_FIELDS = frozenset({"abuse_details", "notes"})
SENSITIVE_FIELDS: dict[type[models.Model], frozenset[str]] = {
    Child: SENSITIVE_CHILD_FIELDS,
    Case: SENSITIVE_CASE_FIELDS,
}


def snapshot(instance: models.Model) -> dict[str, str]:
    """Display values of the editable fields of ``instance``, keyed by field name."""
    values: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        if not field.editable or field.primary_key:
            continue
        value = getattr(instance, field.attname)
        if field.choices and value not in (None, ""):
            value = dict(field.flatchoices).get(value, value)
        elif field.is_relation and value is not None:
            value = str(getattr(instance, field.name))
        values[field.name] = "" if value is None else str(value)
    return values


def diff(instance: models.Model, before: dict[str, str]) -> dict[str, list[str]]:
    """``{verbose field name: [old, new]}`` for the fields that changed since ``before``.

    A sensitive field (``SENSITIVE_FIELDS``) shows only whether it was empty, not its values.
    """
    after = snapshot(instance)
    sensitive = SENSITIVE_FIELDS.get(type(instance), frozenset())
    changes: dict[str, list[str]] = {}
    for name, new in after.items():
        old = before.get(name, "")
        if old != new:
            field = instance._meta.get_field(name)
            # ``snapshot`` keeps concrete fields only, so this is never a reverse relation.
            label = str(field.verbose_name) if isinstance(field, models.Field) else name
            if name in sensitive:
                old, new = (_("(hidden)") if value else "" for value in (old, new))
            changes[label] = [old, new]
    return changes


def entry(
    *,
    user: AnyUser | None,
    action: str,
    child: Child,
    case: Case | None = None,
    changes: dict[str, list[str]] | None = None,
    summary: str = "",
) -> ChangeRecord:
    """An unsaved history entry: ``record`` saves one, an import writes many in bulk."""
    return ChangeRecord(
        child=child,
        case=case,
        user=recorded_user(user),
        action=action,
        changes=changes or {},
        summary=summary,
    )


def record(
    *,
    user: User | None,
    action: str,
    child: Child,
    case: Case | None = None,
    changes: dict[str, list[str]] | None = None,
    summary: str = "",
) -> ChangeRecord:
    change = entry(user=user, action=action, child=child, case=case, changes=changes, summary=summary)
    change.save(force_insert=True)
    return change


def imported_from(file_name: str) -> str:
    """The summary of an entry, and the note of a step, that an import file wrote."""
    return _("Imported from file %(name)s.") % {"name": file_name}
