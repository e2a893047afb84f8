"""Admin of outreach events, with participants summed for the current filter."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from imports.admin_mixins import KindImportExportMixin
from scope.admin import ScopedModelAdmin, ScopedTabularInline
from scope.admin_filters import UnitInScopeFilter

from . import services
from .models import EventAttachment, OutreachEvent
from .resources import OutreachEventResource


class YearFilter(admin.SimpleListFilter):
    """The years in which the user's events took place."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = model_admin.get_queryset(request).order_by().dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.in_year(int(value))
        return queryset


class AttachmentInline(ScopedTabularInline):
    model = EventAttachment
    fields = ["file", "caption", "uploaded_at"]
    readonly_fields = ["uploaded_at"]
    extra = 0


@admin.register(OutreachEvent)
class OutreachEventAdmin(KindImportExportMixin, ScopedModelAdmin):
    import_kind = "events"
    export_resource_class = OutreachEventResource
    # Import/export buttons and the totals under the list.
    change_list_template = "admin/outreach/outreachevent/change_list.html"
    list_display = [
        "date",
        "topic",
        "unit",
        "kind",
        "venue",
        "participants_total",
        "participants_children",
        "participants_female",
        "model",
    ]
    list_display_links = ["date", "topic"]
    list_filter = [YearFilter, "kind", "venue", UnitInScopeFilter, "model"]
    search_fields = ["topic", "organiser", "event_ref"]
    list_select_related = ["unit", "model"]
    fieldsets = [
        (None, {"fields": ["date", "unit", "kind", "venue", "topic", "organiser", "model", "event_ref"]}),
        (
            _("Participants (person-times)"),
            {"fields": ["participants_total", "participants_children", "participants_female"]},
        ),
        (_("Other"), {"fields": ["notes", "current_unit", "current_unit_to_review", "created_by"]}),
    ]
    readonly_fields = ["current_unit", "current_unit_to_review", "created_by"]
    inlines = [AttachmentInline]
    # A province has tens of thousands of events: no second COUNT(*) over the unfiltered table.
    show_full_result_count = False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context is not None and "cl" in context:
            # Sum over the whole filtered list, not only the page shown (one aggregate query).
            context["totals"] = context["cl"].queryset.totals()
        return response

    def save_service(self, *, request: HttpRequest, obj: OutreachEvent, form: Any, change: bool) -> None:
        services.event_save(user=request.user, event=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        self.save_inline_through_service(request, form, formset, change)

    def save_inline_service(self, *, request: HttpRequest, obj: Any) -> None:
        services.event_attachment_save(user=request.user, attachment=obj)
