"""What a report covers: a unit (or the whole country) and a year, checked against the user's scope.

A report is asked for with a unit code and a year, from a page, the API or the CLI. This module
turns those two strings into a ``ReportArea`` or a ``ReportRequestError`` (malformed input, 400)
or ``ReportUnitNotFound`` (unknown or out of scope, 404: the two look the same on purpose).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from locations.models import REFORM_DATE, Unit, UnitQuerySet
from locations.params import parse_year as parse_year_param
from locations.resolve import level_for_code, normalise_code
from scope.core import ScopedQuerySet, is_unrestricted, model_scope, units_in_scope, user_unit

if TYPE_CHECKING:
    from accounts.types import AnyUser

# The level a report breaks down into, by the level (and structure) of the unit it covers.
BREAKDOWN_LEVEL: dict[tuple[str, str], str] = {
    (Unit.Level.PROVINCE, Unit.Edition.LEGACY): Unit.Level.DISTRICT,
    (Unit.Level.PROVINCE, Unit.Edition.CURRENT): Unit.Level.COMMUNE,
    (Unit.Level.DISTRICT, Unit.Edition.LEGACY): Unit.Level.COMMUNE,
    (Unit.Level.DISTRICT, Unit.Edition.CURRENT): Unit.Level.COMMUNE,
}


class ReportRequestError(ValueError):
    """A malformed report parameter (answered with 400 and the message)."""


class ReportUnitNotFound(LookupError):
    """No such unit, or one outside the user's scope (answered like a missing page, 404)."""


@dataclass(frozen=True)
class ReportArea:
    """A unit (``None``: the whole country, superusers only) and a year.

    ``edition`` says which unit column of a record the report groups on: the recorded unit for
    a legacy unit, the current unit for a current one (``in_unit`` already counts legacy records
    that converted into a current unit).
    """

    unit: Unit | None
    year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def edition(self) -> str:
        if self.unit is not None:
            return self.unit.edition
        return Unit.Edition.LEGACY if self.end < REFORM_DATE else Unit.Edition.CURRENT

    @property
    def breakdown_level(self) -> str | None:
        """The level of the rows of the breakdown table, ``None`` for a commune."""
        if self.unit is None:
            return Unit.Level.PROVINCE
        return BREAKDOWN_LEVEL.get((self.unit.level, self.unit.edition))

    @property
    def has_districts(self) -> bool:
        """Whether district counts mean anything here (not in the current two-level structure)."""
        if self.edition == Unit.Edition.CURRENT:
            return False
        return self.unit is None or self.unit.level != Unit.Level.COMMUNE

    def records[QS: ScopedQuerySet[Any]](self, queryset: QS, user: AnyUser) -> QS:
        """The rows of ``queryset`` (e.g. ``Case.objects.all()``) that ``user`` may see and that lie in this area."""
        qs = queryset.visible_to(user)
        return qs if self.unit is None else qs.filter(self.in_area(qs.model))

    @cached_property
    def unit_ids(self) -> list[int]:
        """Ids of the area's unit and every unit under it (all valid dates), read once per area."""
        if self.unit is None:
            return []
        return list(Unit.objects.at_or_below(self.unit).order_by("pk").values_list("pk", flat=True))

    def in_area(self, model: type[models.Model]) -> Q:
        """Rows of ``model`` in the area: by their current unit in a current area, by the unit they
        were recorded on in a legacy one.

        The same rows as "recorded or current unit in the area" (``ScopedQuerySet.in_unit``): a record
        recorded on a current unit has that unit as its current unit (``locations.succession``), and a
        record's current unit is never a legacy one. Reading one side lets the planner use one
        index range (index-only where the index covers the figures) instead of a BitmapOr of two
        index scans and the table's rows. The unit ids are written out as a list, so the planner
        estimates the rows right.
        """
        scope = model_scope(model)
        ids = self.unit_ids
        if scope.current and self.unit is not None and self.unit.edition == Unit.Edition.CURRENT:
            return Q(**{f"{scope.current}__in": ids})
        return Q(**{f"{scope.unit}__in": ids})

    def units(self) -> UnitQuerySet:
        """Units in this area that were valid at some time in the year.

        A unit reported on for a year outside its own validity (a current province for 2024, a
        legacy one for 2026) is counted in its own structure: the units valid on its first or
        last day.
        """
        start, end = self.start, self.end
        if self.unit is not None and self.unit.valid_from and end < self.unit.valid_from:
            start = end = self.unit.valid_from
        elif self.unit is not None and self.unit.valid_to and start > self.unit.valid_to:
            start = end = self.unit.valid_to
        qs = Unit.objects.valid_during(start, end)
        if self.unit is None:
            return qs.filter(edition=self.edition)
        return qs.at_or_below(self.unit)

    def unit_path(self, model: type[models.Model]) -> str:
        """Lookup path from ``model`` to the unit column this report groups on."""
        scope = model_scope(model)
        if self.edition == Unit.Edition.CURRENT and scope.current:
            return scope.current
        return scope.unit

    def unit_key(self, model: type[models.Model], level: str) -> Case:
        """SQL expression: the id of the ``level`` unit that a record of ``model`` falls in.

        Reads the stored ancestors of the record's unit, so grouping by it is one GROUP BY
        and never a query per unit. A record above ``level`` (e.g. a province-wide model in
        a district breakdown) gets NULL.
        """
        path = self.unit_path(model)
        same_level = When(**{f"{path}__level": level}, then=F(path))
        if level == Unit.Level.COMMUNE:
            return Case(same_level, default=Value(None), output_field=IntegerField())
        return Case(same_level, default=F(f"{path}__{level}"), output_field=IntegerField())


def parse_year(raw: Any) -> int:
    """A year between 1990 and 2100, from text or a number; ``ReportRequestError`` otherwise."""
    try:
        return parse_year_param(raw)
    except ValidationError as exc:
        raise ReportRequestError(exc.messages[0]) from exc


def resolve_area(*, user: AnyUser, unit_code: Any, year: Any, edition: str | None = None) -> ReportArea:
    """The area a report request names, checked against ``user``'s scope.

    An empty code means the user's own unit (the whole country for a superuser without a unit).
    A code is resolved among the units of that code valid in the year (the one valid on Dec 31
    first), or in ``edition`` when given. Out of scope raises ``ReportUnitNotFound`` exactly like
    an unknown code.
    """
    year_value = parse_year(year)
    raw = str(unit_code).strip() if unit_code is not None else ""
    # Pages send "legacy-62" / "current-51": the same code names a unit in each structure.
    prefix, sep, rest = raw.partition("-")
    if sep and prefix in Unit.Edition.values:
        edition, raw = edition or prefix, rest
    code = normalise_code(raw) if raw else ""
    if edition not in (None, "", *Unit.Edition.values):
        raise ReportRequestError(_("Unknown structure “%(value)s”.") % {"value": edition})
    if not code:
        own = user_unit(user)
        if own is None and is_unrestricted(user):
            return ReportArea(unit=None, year=year_value)
        if own is None:
            raise ReportUnitNotFound(_("Your account has no unit assigned; ask a manager to assign one."))
        return ReportArea(unit=own, year=year_value)
    level = level_for_code(code)
    if level is None or not code.isdigit():
        raise ReportRequestError(
            _("“%(value)s” is not a unit code (2 digits for a province, 3 for a district, 5 for a commune).")
            % {"value": unit_code}
        )
    candidates = units_in_scope(user).filter(code=code, level=level)
    if edition:
        candidates = candidates.filter(edition=edition)
    unit = _best_for_year(list(candidates), year_value)
    if unit is None:
        raise ReportUnitNotFound(_("Unit %(code)s does not exist.") % {"code": code})
    return ReportArea(unit=unit, year=year_value)


def _best_for_year(candidates: list[Unit], year: int) -> Unit | None:
    """Prefer the unit valid on Dec 31 of ``year``, then one valid during it, then the latest."""
    end, start = dt.date(year, 12, 31), dt.date(year, 1, 1)
    for unit in candidates:
        if unit.is_valid_on(end):
            return unit
    for unit in candidates:
        if (unit.valid_from is None or unit.valid_from <= end) and (unit.valid_to is None or unit.valid_to >= start):
            return unit
    return max(candidates, key=lambda u: u.valid_from or dt.date.min, default=None)


def unit_json(unit: Unit | None) -> dict[str, Any]:
    """The ``unit`` key of the annual summary."""
    if unit is None:
        return {"code": None, "name": _("Whole country"), "level": "country"}
    return {"code": unit.code, "name": unit.name, "level": unit.level}
