"""API filters that any scoped filter set may use (django-filter); units come from the user's scope."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

import django_filters
from django.db.models import QuerySet

from .core import unit_q, units_in_scope


class UnitCodeFilter(django_filters.CharFilter):
    """Records at or below the unit(s) with this statistics code (or id), among the units the user sees.

    A code may name a legacy and a current unit; both are taken. Records of legacy units that
    converted into a named current unit are included (see ``scope.core.unit_q``).
    """

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        user = getattr(self.parent.request, "user", None)
        units = list(units_in_scope(user).filter(code=value)) if value.isdigit() else []
        if not units:
            return qs.none()
        return qs.filter(reduce(or_, (unit_q(qs.model, unit) for unit in units)))
