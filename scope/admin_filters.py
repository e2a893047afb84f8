"""Admin list filters that any scoped changelist may use; every choice comes from the user's scope."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.translation import gettext_lazy as _

from locations.models import Unit

from .core import units_in_scope, user_unit


class UnitInScopeFilter(admin.SimpleListFilter):
    """A drill-down through the units of the user's scope; rows at or below the chosen one.

    A sidebar with every commune of a province (a hundred or more, over ten thousand for the
    whole country) is unusable, so the choices are the top units of the scope and, once one is
    chosen, the way back up and the units directly under it: never more than one unit's
    children. Lists units from the unit table, never from distinct values of the records.
    A value that is not a unit id of the scope (``?unit=abc``, another province's id) shows
    no rows, like an unknown unit.
    """

    title = _("unit")
    parameter_name = "unit"

    def chosen_unit(self, request) -> Unit | None:
        """The chosen unit, if the value names one in the user's scope (read once per request)."""
        if not hasattr(self, "_chosen"):
            raw = self.value() or ""
            self._chosen = (
                units_in_scope(request.user).filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
            )
        return self._chosen

    def lookups(self, request, model_admin):
        scope = units_in_scope(request.user)
        chosen = self.chosen_unit(request)
        columns = ("pk", "code", "name", "level", "edition", "parent_id")
        if chosen is None:
            # The roots of the scope: its units whose parent is not in it (the user's own unit,
            # and for a current unit the legacy ones that converted into it).
            units = list(scope.exclude(parent__in=scope.values("pk")).order_by("edition", "code").only(*columns))
            own = user_unit(request.user)
            if own is not None and own.level != Unit.Level.COMMUNE:
                units += scope.filter(parent=own).order_by("code").only(*columns)
        else:
            ancestors = [pk for pk in (chosen.province_id, chosen.district_id) if pk]
            above = sorted(scope.filter(pk__in=ancestors).only(*columns), key=lambda u: ancestors.index(u.pk))
            below = list(scope.filter(parent=chosen).order_by("code").only(*columns))
            units = [*above, chosen, *below]
        return [(str(u.pk), f"{u.code} {u.name}") for u in units]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        raw = self.value() or ""
        if not (raw.isdigit() and len(raw) < 10):
            # Not an id at all: the list's error flag (?e=1), as for any malformed filter.
            raise IncorrectLookupParameters(raw)
        unit = self.chosen_unit(request)
        return queryset.in_unit(unit) if unit else queryset.none()
