"""Writes of incidents of abuse. The admin inline, the API and the import all call ``incident_save``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scope.core import ensure_in_scope

from .incidents import AbuseForm, Incident
from .workflow import may_act

if TYPE_CHECKING:
    from accounts.models import User


def incident_check_forms(forms: Iterable[AbuseForm] | None) -> list[AbuseForm]:
    """An incident names at least one form of abuse."""
    chosen = list(forms or [])
    if not chosen:
        raise ValidationError({"forms": _("Choose at least one form of abuse.")})
    return chosen


@transaction.atomic
def incident_save(*, incident: Incident, user: User, forms: Iterable[AbuseForm] | None = None) -> Incident:
    """Create or change an incident of abuse as an officer of its case's unit.

    ``forms`` replaces the incident's forms of abuse (required for a new incident; ``None``
    keeps the stored ones on a change). The commune is always the case's. Nothing is written
    when a check fails.
    """
    if not may_act(user):
        raise PermissionDenied(_("Your role may not change cases."))
    if incident.pk is None and incident.recorded_by_id is None and getattr(user, "pk", None):
        incident.recorded_by = user
    chosen = incident_check_forms(forms) if forms is not None or incident.pk is None else None
    incident.take_case_commune()
    ensure_in_scope(incident, user)
    incident.full_clean()
    incident.save()
    if chosen is not None:
        incident.forms.set(chosen)
    return incident
