"""Scoped lists that reach the unit indexes at millions of rows (PostgreSQL).

The scope (``unit_q``) keeps the rows recorded in one of the user's units *or* now in one of
them, each through a subquery of units. PostgreSQL can only test such an OR row by row: it
cannot use the unit indexes, guesses that most of the table qualifies, and walks the whole
name or id index to fill one page of a commune (seconds at 5,000,000 children).
``UnitIndexedListMixin`` (admin) and ``UnitIndexedViewSetMixin`` (API) add the same condition
a second time with the unit ids written out: it removes no row of the scope and lets
PostgreSQL read the unit indexes instead. A unit filter's choice is written out the same way
(``in_unit_listed``). See docs/decisions/0006-lists-name-their-units.md.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Func, Q, QuerySet
from django.http import HttpRequest

from locations.models import Unit

from .core import ScopedQuerySet, _crosses_many, is_unrestricted, model_scope, units_reached

# Where ``reached_unit_ids`` keeps its answer on the request.
REACHED_ATTR = "_reached_unit_ids"
# Past this many units (the whole country, a superuser) the ids are not written out: the
# scope's subquery alone stays, as the list is most of the table anyway.
MAX_LISTED_UNITS = 500


def units_q(model: type, unit_ids: list[int]) -> Q:
    """Rows of ``model`` recorded in one of ``unit_ids`` or now in one of them (as ``unit_q``)."""
    scope = model_scope(model)
    q = Q(**{f"{scope.unit}__in": unit_ids})
    if scope.current:
        q |= Q(**{f"{scope.current}__in": unit_ids})
    return q


def listed_ids(units: QuerySet[Unit]) -> list[int] | None:
    """The ids of ``units``, or ``None`` past ``MAX_LISTED_UNITS``."""
    ids = list(units.order_by().values_list("pk", flat=True)[: MAX_LISTED_UNITS + 1])
    return None if len(ids) > MAX_LISTED_UNITS else ids


def with_units_listed(queryset: QuerySet[Any], request: HttpRequest) -> QuerySet[Any]:
    """``queryset`` (already scoped) with the scope's units written out as well."""
    ids = reached_unit_ids(request)
    return queryset if ids is None else _written_out(queryset, ids)


def searches_one_unit(request: HttpRequest) -> bool:
    """Whether the user's scope is one unit (a commune): its name searches compare names."""
    ids = reached_unit_ids(request)
    return ids is not None and len(ids) == 1


def reached_unit_ids(request: HttpRequest) -> list[int] | None:
    """Ids of the units whose records the user reaches (read once per request); ``None``: unlisted."""
    if not hasattr(request, REACHED_ATTR):
        user = request.user
        setattr(request, REACHED_ATTR, None if is_unrestricted(user) else listed_ids(units_reached(user)))
    reached: list[int] | None = getattr(request, REACHED_ATTR)
    return reached


def in_unit_listed(queryset: ScopedQuerySet[Any], unit: Unit) -> ScopedQuerySet[Any]:
    """``queryset.in_unit(unit)``, with the units written out instead of their subqueries.

    The same rows (``unit_q`` names the units at or below ``unit``), and one condition less for
    PostgreSQL to multiply into its estimate: the scope's own condition is already there twice.
    """
    ids = listed_ids(Unit.objects.at_or_below(unit))
    if ids is None or _crosses_many(queryset.model):
        return queryset.in_unit(unit)
    return queryset.filter(units_q(queryset.model, ids))


def _written_out[QS: QuerySet[Any]](queryset: QS, unit_ids: list[int]) -> QS:
    # Through a to-many relation (an import job's successor units) a second filter would join
    # it again and repeat rows; such lists keep the scope's subqueries alone.
    if _crosses_many(queryset.model):
        return queryset
    return queryset.filter(units_q(queryset.model, unit_ids))


class Unindexed(Func):
    """The same text, as an expression no index is built on (``name || ''``)."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


class UnitIndexedListMixin:
    """For a ``ScopedModelAdmin``: the scope's units written out in every queryset (see the module)."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return with_units_listed(super().get_queryset(request), request)  # type: ignore[misc]


class UnitIndexedViewSetMixin:
    """For a ``ScopedViewSet``: the scope's units written out in every queryset (see the module)."""

    request: Any

    def get_queryset(self) -> Any:
        return with_units_listed(super().get_queryset(), self.request)  # type: ignore[misc]
