"""Writes for protection models, their members, day-care enrolment and attendance.

The admin, the API, imports and the CLI call these functions, so every rule (dates in order,
one active ``cbcp_system`` per commune, attendance only on active days, scope) holds on
every path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from locations.models import Unit
from scope.core import ensure_in_scope

from .models import Attendance, Enrolment, ModelChange, ModelMember, ProtectionModel

if TYPE_CHECKING:
    from accounts.models import User

# Fields whose changes are written to a model's history.
TRACKED_FIELDS = [
    "code",
    "name",
    "kind",
    "unit",
    "host",
    "decision_no",
    "decision_date",
    "established_on",
    "ended_on",
    "members_count",
    "notes",
]


def _history_value(instance: ProtectionModel, field: str) -> Any:
    value = getattr(instance, f"{field}_id" if field == "unit" else field)
    if field == "unit" and value is not None:
        unit = instance.unit
        return f"{unit.code} {unit.name}"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def _snapshot(instance: ProtectionModel) -> dict[str, Any]:
    return {field: _history_value(instance, field) for field in TRACKED_FIELDS}


def _lock_commune(instance: ProtectionModel) -> None:
    """Lock the commune's row so that two concurrent saves cannot both pass the one-per-commune check."""
    if instance.kind == ProtectionModel.Kind.CBCP_SYSTEM and instance.unit_id is not None:
        list(Unit.objects.select_for_update().filter(pk=instance.unit_id).values_list("pk", flat=True))


@transaction.atomic
def protection_model_save(*, user: User, instance: ProtectionModel) -> ProtectionModel:
    """Create or update a protection model and record the change in its history.

    ``instance`` carries the new values (a new unsaved model, or a loaded one with fields
    set). Raises ``ValidationError`` on the offending fields; nothing is saved then.
    """
    ensure_in_scope(instance, user)
    before: dict[str, Any] | None = None
    if instance.pk is not None:
        previous = ProtectionModel.objects.select_related("unit").filter(pk=instance.pk).first()
        before = _snapshot(previous) if previous is not None else None
    _lock_commune(instance)
    instance.full_clean()
    instance.save()
    after = _snapshot(instance)
    if before is None:
        action = ModelChange.Action.CREATED
        changes = {field: [None, value] for field, value in after.items() if value not in (None, "")}
    else:
        changes = {field: [before[field], after[field]] for field in TRACKED_FIELDS if before[field] != after[field]}
        if not changes:
            return instance
        action = ModelChange.Action.CHANGED
        if "ended_on" in changes:
            action = ModelChange.Action.ENDED if after["ended_on"] else ModelChange.Action.REOPENED
    ModelChange.objects.create(model=instance, action=action, changes=changes, changed_by=_actor(user))
    return instance


@transaction.atomic
def protection_model_create(*, user: User, **fields: Any) -> ProtectionModel:
    """Create a protection model from field values (``unit`` a ``Unit``)."""
    return protection_model_save(user=user, instance=ProtectionModel(**fields))


@transaction.atomic
def protection_model_update(*, user: User, instance: ProtectionModel, **fields: Any) -> ProtectionModel:
    """Change some fields of a protection model; the instance must be visible to ``user``."""
    ensure_in_scope(instance, user)
    for name, value in fields.items():
        setattr(instance, name, value)
    return protection_model_save(user=user, instance=instance)


@transaction.atomic
def model_member_save(*, user: User, member: ModelMember) -> ModelMember:
    """Create or update a member of a protection model."""
    ensure_in_scope(member, user)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def enrolment_save(*, user: User, enrolment: Enrolment) -> Enrolment:
    """Create or update a child's enrolment in a day-care model.

    A registry child fills in the name and reference so that lists and exports show the
    child without another query.
    """
    ensure_in_scope(enrolment, user)
    child = enrolment.child
    if child is not None:
        enrolment.child_name = child.full_name
        enrolment.child_ref = enrolment.child_ref or child.child_ref
    enrolment.full_clean()
    if enrolment.child_id is None and _same_name_enrolled(enrolment):
        raise ValidationError({"child_name": _("A child with this name is already enrolled in this model.")})
    enrolment.save()
    return enrolment


def _same_name_enrolled(enrolment: Enrolment) -> bool:
    others = Enrolment.objects.filter(model_id=enrolment.model_id, child__isnull=True, child_name=enrolment.child_name)
    if enrolment.child_ref:
        others = others.filter(child_ref=enrolment.child_ref)
    if enrolment.pk is not None:
        others = others.exclude(pk=enrolment.pk)
    return others.exists()


@transaction.atomic
def enrolment_create(
    *,
    user: User,
    model: ProtectionModel,
    enrolled_on: dt.date,
    child: Any = None,
    child_name: str = "",
    child_ref: str = "",
    left_on: dt.date | None = None,
) -> Enrolment:
    """Enrol a registry child (``child``) or a child by name in a day-care model."""
    enrolment = Enrolment(
        model=model, child=child, child_name=child_name, child_ref=child_ref, enrolled_on=enrolled_on, left_on=left_on
    )
    return enrolment_save(user=user, enrolment=enrolment)


@transaction.atomic
def attendance_save(*, user: User, attendance: Attendance) -> Attendance:
    """Create or update one child's attendance on one day."""
    ensure_in_scope(attendance, user)
    if attendance.recorded_by_id is None and getattr(user, "pk", None):
        attendance.recorded_by = user
    attendance.full_clean()
    attendance.save()
    return attendance


@dataclass(frozen=True)
class RegisterEntry:
    """One line of the daily register: an enrolment, present or not, the services given."""

    enrolment_id: int
    present: bool
    services: str = ""


@dataclass(frozen=True)
class RegisterResult:
    created: int
    updated: int


@transaction.atomic
def attendance_register_save(
    *, user: User, model: ProtectionModel, date: dt.date, entries: Iterable[RegisterEntry]
) -> RegisterResult:
    """Save a whole day of a day-care model's register in a bounded number of queries.

    Every entry must name an enrolment of ``model`` that covers ``date``, and the model must
    be active on ``date``; otherwise nothing is saved and the error names the date or child.
    """
    ensure_in_scope(model, user)
    if model.kind != ProtectionModel.Kind.DAYCARE_DISABILITY:
        raise ValidationError({"model": _("Attendance is recorded only for a day-care model.")})
    if not model.is_active_on(date):
        raise ValidationError({"date": _("The model was not active on %(date)s.") % {"date": f"{date:%d/%m/%Y}"}})
    entries = list(entries)
    enrolments = {e.pk: e for e in Enrolment.objects.filter(model=model, pk__in=[x.enrolment_id for x in entries])}
    errors = []
    services_length = Attendance._meta.get_field("services").max_length
    for entry in entries:
        enrolment = enrolments.get(entry.enrolment_id)
        if enrolment is None:
            errors.append(_("The selected enrolment does not exist."))
        elif not enrolment.is_enrolled_on(date):
            errors.append(
                _("%(child)s was not enrolled on %(date)s.")
                % {"child": enrolment.display_name, "date": f"{date:%d/%m/%Y}"}
            )
        elif services_length is not None and len(entry.services) > services_length:
            errors.append(_("Services for %(child)s: the text is too long.") % {"child": enrolment.display_name})
    if errors:
        raise ValidationError({"date": errors})
    existing: Mapping[int, Attendance] = {
        a.enrolment_id: a for a in Attendance.objects.filter(enrolment__in=list(enrolments), date=date)
    }
    to_create, to_update = [], []
    actor = _actor(user)
    for entry in entries:
        row = existing.get(entry.enrolment_id)
        if row is None:
            to_create.append(
                Attendance(
                    enrolment_id=entry.enrolment_id,
                    date=date,
                    present=entry.present,
                    services=entry.services.strip(),
                    recorded_by=actor,
                )
            )
        elif row.present != entry.present or row.services != entry.services.strip():
            row.present = entry.present
            row.services = entry.services.strip()
            row.recorded_by = actor
            to_update.append(row)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["present", "services", "recorded_by"])
    return RegisterResult(created=len(to_create), updated=len(to_update))


def _actor(user: User) -> User | None:
    return user if getattr(user, "pk", None) else None
