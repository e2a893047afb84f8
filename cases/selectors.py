"""Reads of the cases app that depend on the user: every one starts from ``visible_to(user)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from locations.models import Unit

from .matching import Match, duplicates_of
from .models import Case, CaseTransition, Child


def case_list(*, user: Any) -> QuerySet[Case]:
    return Case.objects.visible_to(user).select_related("child", "commune")


def cases_overdue(*, user: Any, now: dt.datetime) -> QuerySet[Case]:
    """Open cases in the user's scope past a deadline (see ``CaseQuerySet.overdue``)."""
    return case_list(user=user).overdue(now=now)


def _closed_through(year: int) -> Exists:
    """The case was closed before ``year`` and only reopened after it: not open in ``year``."""
    return Exists(
        CaseTransition.objects.filter(
            case=OuterRef("pk"),
            previous_closed_on__lt=dt.date(year, 1, 1),
            on__gt=dt.date(year, 12, 31),
        )
    )


def cases_managed(*, user: Any, unit: Unit, year: int) -> QuerySet[Case]:
    """Cases in ``unit`` open at any time in ``year`` (SPEC §4), within the user's scope.

    Opened on or before Dec 31 and not closed before Jan 1. A case reopened after ``year``
    that was closed before it does not count for ``year``.
    """
    return Case.objects.visible_to(user).in_unit(unit).open_during(year).exclude(_closed_through(year))


def children_managed(*, user: Any, unit: Unit, year: int) -> int:
    """Children under case management: distinct children with a case in ``unit`` open in ``year``."""
    return cases_managed(user=user, unit=unit, year=year).values("child_id").distinct().count()


def children_closed_success(*, user: Any, unit: Unit, year: int) -> int:
    """Distinct children whose case in ``unit`` was closed in ``year`` with ``goal_achieved``.

    A closure recorded as a workflow step counts even if the case was reopened later; a
    case imported already closed (no step) counts through its own closure date.
    """
    success = Case.Outcome.GOAL_ACHIEVED
    by_step = CaseTransition.objects.filter(
        case=OuterRef("pk"), to_status=Case.Status.CLOSED, outcome=success, on__year=year
    )
    return (
        Case.objects.visible_to(user)
        .in_unit(unit)
        .filter(Q(status=Case.Status.CLOSED, outcome=success, closed_on__year=year) | Q(Exists(by_step)))
        .values("child_id")
        .distinct()
        .count()
    )


def success_rate(*, user: Any, unit: Unit, year: int) -> float | None:
    """Children closed with ``goal_achieved`` in ``year`` / children under case management; None if none."""
    managed = children_managed(user=user, unit=unit, year=year)
    if not managed:
        return None
    return children_closed_success(user=user, unit=unit, year=year) / managed


def child_duplicates(*, user: Any, child: Child) -> list[Match]:
    """Likely duplicates of ``child`` among the children the user may see."""
    return duplicates_of(child, queryset=Child.objects.visible_to(user))
