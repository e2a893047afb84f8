"""Readable change history of children and cases (``ChangeRecord``), written by the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext as _

from .models import Case, ChangeRecord, Child

if TYPE_CHECKING:
    from accounts.models import User

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


def record(
    *,
    user: User | None,
    action: str,
    child: Child,
    case: Case | None = None,
    changes: dict[str, list[str]] | None = None,
    summary: str = "",
) -> ChangeRecord:
    return ChangeRecord.objects.create(
        child=child,
        case=case,
        user=user if getattr(user, "pk", None) else None,
        action=action,
        changes=changes or {},
        summary=summary,
    )
