"""Reads of the cases app that depend on the user: every one starts from ``visible_to(user)``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from locations.models import Unit

from .matching import Match, duplicates_of
from .models import Case, CaseQuerySet, Child

if TYPE_CHECKING:
    from accounts.types import AnyUser


def case_list(*, user: AnyUser) -> CaseQuerySet:
    return Case.objects.visible_to(user).select_related("child", "commune")


def cases_overdue(*, user: AnyUser, now: dt.datetime) -> CaseQuerySet:
    """Open cases in the user's scope past a deadline (see ``CaseQuerySet.overdue``)."""
    return case_list(user=user).overdue(now=now)


def cases_managed(*, user: AnyUser, unit: Unit, year: int) -> CaseQuerySet:
    """Cases in ``unit`` open at any time in ``year`` (docs/contract/children-and-cases.md), within the user's scope."""
    return Case.objects.visible_to(user).in_unit(unit).open_during(year)


def children_managed(*, user: AnyUser, unit: Unit, year: int) -> int:
    """Children under case management: distinct children with a case in ``unit`` open in ``year``."""
    return cases_managed(user=user, unit=unit, year=year).values("child_id").distinct().count()


def children_closed_success(*, user: AnyUser, unit: Unit, year: int) -> int:
    """Distinct children whose case in ``unit`` was closed in ``year`` with ``goal_achieved``."""
    closed = Case.objects.visible_to(user).in_unit(unit).closed_during(year, outcome=Case.Outcome.GOAL_ACHIEVED)
    return closed.values("child_id").distinct().count()


def success_rate(*, user: AnyUser, unit: Unit, year: int) -> float | None:
    """Children closed with ``goal_achieved`` in ``year`` / children under case management; None if none."""
    managed = children_managed(user=user, unit=unit, year=year)
    if not managed:
        return None
    return children_closed_success(user=user, unit=unit, year=year) / managed


def child_duplicates(*, user: AnyUser, child: Child) -> list[Match]:
    """Likely duplicates of ``child`` among the children the user may see."""
    return duplicates_of(child, queryset=Child.objects.visible_to(user))
