"""Admin list of split communes whose records wait for review, with the move action.

Where a legacy commune was split, its records were attached to the first successor and
flagged *to review*. Each row here is one possible successor of such a commune ("Xã Hòa
Liên → Phường Liên Chiểu") with the number of records still to review; the action moves
those records to the selected successor through ``scope.reform_moves.records_move``.
Everything is limited to the user's scope: the communes, the counts and the moved records.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scope.admin import ScopedModelAdmin
from scope.core import units_in_scope
from scope.reform_moves import records_move

from .models import UnitConversion
from .reform import TrackedTable, reform_tracked_tables


def split_legacy_ids() -> QuerySet:
    """Legacy communes with more than one successor in the conversion table."""
    return (
        UnitConversion.objects.order_by()
        .values("legacy_id")
        .annotate(successors=Count("pk"))
        .filter(successors__gt=1)
        .values("legacy_id")
    )


def flagged_records(table: TrackedTable, user: Any) -> QuerySet:
    """Records of one model, visible to ``user``, still flagged for review."""
    return table.model._default_manager.visible_to(user).filter(current_unit_to_review=True)


def review_count(user: Any) -> Any:
    """Records of every model on the entry's legacy commune, visible to ``user``, to review."""
    total: Any = Value(0)
    for table in reform_tracked_tables():
        field = table.recorded_unit_field
        counted = (
            flagged_records(table, user)
            .filter(**{field: OuterRef("legacy_id")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")
        )
        total = total + Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    return total


def _may_change(user: Any, table: TrackedTable) -> bool:
    meta = table.model._meta
    return user.has_perm(f"{meta.app_label}.change_{meta.model_name}")


@admin.register(UnitConversion)
class SplitCommuneReviewAdmin(ScopedModelAdmin):
    """Split communes in the user's scope and their records to review (read-only list)."""

    list_display = ["legacy", "current", "rank", "records_to_review"]
    list_select_related = ["legacy", "current"]
    search_fields = ["legacy__code", "legacy__name", "current__code", "current__name"]
    ordering = ["legacy__code", "rank"]
    actions = ["move_records_here"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The conversion table has no ``Scope``: an entry is visible when either end is.
        visible = units_in_scope(request.user).values("pk")
        return (
            super()
            .get_queryset(request)
            .filter(legacy_id__in=split_legacy_ids())
            .filter(Q(legacy_id__in=visible) | Q(current_id__in=visible))
            .annotate(to_review=review_count(request.user))
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {**(extra_context or {}), "title": _("Split communes: records to review")}
        return super().changelist_view(request, extra_context=extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_move_permission(self, request: HttpRequest) -> bool:
        return any(_may_change(request.user, table) for table in reform_tracked_tables())

    @admin.display(description=gettext_lazy("records to review"), ordering="to_review")
    def records_to_review(self, obj: UnitConversion) -> int:
        return obj.to_review

    @admin.action(
        description=gettext_lazy("Move the records to review to the selected successor"), permissions=["move"]
    )
    def move_records_here(self, request: HttpRequest, queryset: QuerySet) -> None:
        entries = list(queryset.select_related("legacy", "current"))
        per_legacy = Counter(entry.legacy_id for entry in entries)
        if any(n > 1 for n in per_legacy.values()):
            self.message_user(request, _("Select one successor per commune."), messages.ERROR)
            return
        try:
            with transaction.atomic():
                moved = sum(self._move(request, entry) for entry in entries)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        self.message_user(request, _("%(count)d records moved.") % {"count": moved}, messages.SUCCESS)

    def _move(self, request: HttpRequest, entry: UnitConversion) -> int:
        records = [
            record
            for table in reform_tracked_tables()
            if _may_change(request.user, table)
            for record in flagged_records(table, request.user).filter(**{table.recorded_unit_field: entry.legacy})
        ]
        return len(records_move(records=records, to=entry.current, user=request.user)) if records else 0
