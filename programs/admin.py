"""Admin of protection models, members, enrolments, attendance and the daily register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from imports.admin_mixins import KindImportExportMixin
from scope.admin import ScopedModelAdmin, ScopedTabularInline, add_validation_error
from scope.admin_filters import UnitInScopeFilter

from . import services
from .forms import RegisterDayForm, RegisterFormSet
from .models import Attendance, Enrolment, ModelChange, ModelMember, ProtectionModel
from .resources import AttendanceResource, ProtectionModelResource
from .selectors import attendance_figures, attendance_register, daycare_model_get


class StatusFilter(admin.SimpleListFilter):
    """Status today, derived from the dates."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(ProtectionModel.Status.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ProtectionModel.Status.values:
            return queryset.with_status(self.value(), timezone.localdate())
        return queryset


class ActiveInYearFilter(admin.SimpleListFilter):
    """Models active at some time in a year (the years offered are those of the user's models)."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        start = model_admin.get_queryset(request).aggregate(start=Min("established_on"))["start"]
        if start is None:
            return []
        this_year = timezone.localdate().year
        return [(str(y), str(y)) for y in range(this_year, start.year - 1, -1)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            year = int(value)
            return queryset.active_during(dt.date(year, 1, 1), dt.date(year, 12, 31))
        return queryset


class DaycareModelFilter(admin.SimpleListFilter):
    """Day-care models in the user's scope (a related filter across ``__`` would list them all)."""

    title = _("day-care model")
    parameter_name = "model"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        models = ProtectionModel.objects.visible_to(request.user).filter(kind=ProtectionModel.Kind.DAYCARE_DISABILITY)
        return [(str(m.pk), str(m)) for m in models.only("pk", "code", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.lookup_path: int(value)})
        return queryset

    lookup_path = "model_id"


class AttendanceModelFilter(DaycareModelFilter):
    lookup_path = "enrolment__model_id"


class MemberInline(ScopedTabularInline):
    model = ModelMember
    fields = ["name", "role", "sex", "joined_on", "left_on", "child"]
    autocomplete_fields = ["child"]
    extra = 0


class EnrolmentInline(ScopedTabularInline):
    model = Enrolment
    fields = ["child", "child_name", "child_ref", "enrolled_on", "left_on"]
    # The registry holds thousands of children: search them instead of listing them all.
    autocomplete_fields = ["child"]
    extra = 0
    show_change_link = True


class ChangeInline(ScopedTabularInline):
    """The model's history: written by the services, never edited by hand."""

    model = ModelChange
    fields = ["changed_at", "action", "changed_by", "changes"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Every row shows who made the change: load the users with the rows, not one query each.
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _members_now() -> Coalesce:
    """Members of the row's model who have not left: one indexed count per row shown."""
    count = (
        ModelMember.objects.filter(model=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("model")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count), 0)


class ProtectionModelChangeList(ChangeList):
    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        # Only the list shows the count; change, delete and filter pages do without the subquery.
        return super().get_queryset(request, exclude_parameters).annotate(members_now=_members_now())


@admin.register(ProtectionModel)
class ProtectionModelAdmin(KindImportExportMixin, ScopedModelAdmin):
    import_kind = "models"
    export_resource_class = ProtectionModelResource
    list_display = [
        "code",
        "name",
        "kind",
        "unit",
        "established_on",
        "ended_on",
        "status_display",
        "members_display",
        "register_link",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["kind", StatusFilter, ActiveInYearFilter, UnitInScopeFilter]
    search_fields = ["code", "name", "host", "decision_no"]
    list_select_related = ["unit"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "unit", "host"]}),
        (_("Founding and end"), {"fields": ["decision_no", "decision_date", "established_on", "ended_on"]}),
        (
            _("Other"),
            {"fields": ["members_count", "notes", "current_unit", "current_unit_to_review", "register_link"]},
        ),
    ]
    readonly_fields = ["current_unit", "current_unit_to_review", "register_link"]
    inlines = [MemberInline, EnrolmentInline, ChangeInline]
    show_full_result_count = False

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ProtectionModelChangeList

    def get_inlines(self, request: HttpRequest, obj: ProtectionModel | None) -> list[Any]:
        if obj is None or obj.kind != ProtectionModel.Kind.DAYCARE_DISABILITY:
            return [MemberInline, ChangeInline] if obj is not None else [MemberInline]
        return self.inlines

    @admin.display(description=_("status"))
    def status_display(self, obj: ProtectionModel) -> str:
        return ProtectionModel.Status(obj.status_on(timezone.localdate())).label

    # Sorts on the list's annotation (see ``ProtectionModelChangeList``), so the count is computed once.
    @admin.display(description=_("members"), ordering=F("members_now"))
    def members_display(self, obj: ProtectionModel) -> int:
        return obj.members_now if obj.members_count is None else max(obj.members_now, obj.members_count)

    @admin.display(description=_("daily register"))
    def register_link(self, obj: ProtectionModel) -> str:
        if obj.pk is None or obj.kind != ProtectionModel.Kind.DAYCARE_DISABILITY:
            return "–"
        url = reverse("admin:programs_protectionmodel_register", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))

    def save_service(self, *, request: HttpRequest, obj: ProtectionModel, form: Any, change: bool) -> None:
        services.protection_model_save(user=request.user, instance=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows are written through the services too."""
        self.save_inline_through_service(request, form, formset, change)

    def save_inline_service(self, *, request: HttpRequest, obj: Any) -> None:
        # The history inline is read-only: only members and enrolments come here.
        if isinstance(obj, ModelMember):
            services.model_member_save(user=request.user, member=obj)
        elif isinstance(obj, Enrolment):
            services.enrolment_save(user=request.user, enrolment=obj)

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                "<path:object_id>/register/",
                self.permission_view(self.register_view, missing="404"),
                name="programs_protectionmodel_register",
            )
        ]
        return urls + super().get_urls()

    def register_view(self, request: HttpRequest, obj: ProtectionModel) -> HttpResponse:
        """The daily register: every child enrolled on a day, present or absent, services given."""
        if not request.user.has_perm("programs.view_attendance"):
            raise PermissionDenied
        # Only day-care models keep a register.
        model = daycare_model_get(user=request.user, pk=obj.pk)
        if model is None:
            raise Http404(_("The selected protection model does not exist."))
        can_change = request.user.has_perm("programs.add_attendance") and request.user.has_perm(
            "programs.change_attendance"
        )
        day_form = RegisterDayForm(request.GET or None, initial={"date": timezone.localdate()})
        on = day_form.cleaned_data["date"] if day_form.is_valid() else timezone.localdate()
        lines = attendance_register(user=request.user, model=model, on=on)
        initial = [
            {"enrolment_id": line.enrolment.pk, "present": line.present, "services": line.services} for line in lines
        ]
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            formset = RegisterFormSet(request.POST, initial=initial)
            if formset.is_valid():
                entries = [
                    services.RegisterEntry(
                        enrolment_id=f.cleaned_data["enrolment_id"],
                        present=f.cleaned_data["present"],
                        services=f.cleaned_data["services"],
                    )
                    for f in formset.forms
                ]
                try:
                    result = services.attendance_register_save(user=request.user, model=model, date=on, entries=entries)
                except ValidationError as exc:
                    add_validation_error(day_form, exc)
                else:
                    messages.success(
                        request,
                        _("Register of %(date)s saved: %(created)s new, %(updated)s changed.")
                        % {"date": f"{on:%d/%m/%Y}", "created": result.created, "updated": result.updated},
                    )
                    return HttpResponseRedirect(f"{request.path}?date={on:%d/%m/%Y}")
        else:
            formset = RegisterFormSet(initial=initial)
        figures = attendance_figures(user=request.user, year=on.year, model=model)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Daily register: %(model)s") % {"model": model},
            "opts": self.model._meta,
            "original": model,
            "model": model,
            "day_form": day_form,
            "on": on,
            "is_active": model.is_active_on(on),
            "rows": _register_rows(lines, formset),
            "formset": formset,
            "can_change": can_change,
            "figures": figures,
            "present_count": sum(1 for line in lines if line.attendance is not None and line.attendance.present),
            "previous_day": on - dt.timedelta(days=1),
            "next_day": on + dt.timedelta(days=1),
        }
        return TemplateResponse(request, "admin/programs/register.html", context)


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedModelAdmin):
    list_display = ["display_name", "child_ref", "model", "enrolled_on", "left_on"]
    list_filter = [DaycareModelFilter]
    search_fields = ["child_name", "child_ref"]
    list_select_related = ["model", "child"]
    fields = ["model", "child", "child_name", "child_ref", "enrolled_on", "left_on"]
    autocomplete_fields = ["child"]

    @admin.display(description=_("child"), ordering="child_name")
    def display_name(self, obj: Enrolment) -> str:
        return obj.display_name

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "model":
            field.queryset = field.queryset.filter(kind=ProtectionModel.Kind.DAYCARE_DISABILITY)
        return field

    def save_service(self, *, request: HttpRequest, obj: Enrolment, form: Any, change: bool) -> None:
        services.enrolment_save(user=request.user, enrolment=obj)


@admin.register(Attendance)
class AttendanceAdmin(KindImportExportMixin, ScopedModelAdmin):
    import_kind = "attendance"
    export_resource_class = AttendanceResource
    list_display = ["date", "child_display", "model_display", "present", "services"]
    list_filter = [AttendanceModelFilter, "present"]
    search_fields = ["enrolment__child_name", "services"]
    list_select_related = ["enrolment__model", "enrolment__child"]
    date_hierarchy = "date"
    fields = ["enrolment", "date", "present", "services"]
    show_full_result_count = False

    @admin.display(description=_("child"), ordering="enrolment__child_name")
    def child_display(self, obj: Attendance) -> str:
        return obj.enrolment.display_name

    @admin.display(description=_("day-care model"), ordering="enrolment__model__code")
    def model_display(self, obj: Attendance) -> str:
        return str(obj.enrolment.model)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "enrolment":
            field.queryset = field.queryset.select_related("model", "child")
        return field

    def save_service(self, *, request: HttpRequest, obj: Attendance, form: Any, change: bool) -> None:
        services.attendance_save(user=request.user, attendance=obj)


def _register_rows(lines: list[Any], formset: Any) -> list[tuple[Any, Any]]:
    """Pair each register form with its child's line (bound forms carry their enrolment id)."""
    by_enrolment = {line.enrolment.pk: line for line in lines}
    rows = []
    for form in formset.forms:
        try:
            enrolment_id = int(form["enrolment_id"].value())
        except (TypeError, ValueError):
            continue
        if enrolment_id in by_enrolment:
            rows.append((by_enrolment[enrolment_id], form))
    return rows
