"""Admin of the registry, in Vietnamese: the category and risk factor lists, children, survey records
and commune statistics.

Every admin and inline is scoped (``scope.admin``); saves go through ``cases.services``. Sensitive
fields are shown only to users with ``accounts.view_personal_data``.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.types import signed_in
from imports.admin_mixins import KindImportExportMixin
from locations.text import fold
from scope.admin import ScopedModelAdmin, ScopedTabularInline, SensitiveFieldsMixin, sees_personal_data
from scope.admin_filters import UnitInScopeFilter
from scope.pagination import IdsFirstPaginator
from scope.unit_indexed import UnitIndexedListMixin, searches_one_unit

from .. import identifiers
from ..consent import Consent
from ..consent_services import consent_save
from ..history import SENSITIVE_CHILD_FIELDS
from ..models import (
    Case,
    Category,
    Child,
    ChildCategory,
    ChildMerge,
    CommuneStats,
    RiskFactor,
    SurveyRecord,
)
from ..name_search import child_search
from ..resources import ChildSurveyResource, CommuneStatsResource
from ..selectors import child_duplicates
from ..services import child_merge, child_save, related_record_save
from ..workflow import may_act
from . import filters as f
from .base import ACCESS_LOG_PERM, ProvinceListAdmin, ReadOnlyInlineMixin, ServiceSavingAdmin
from .changes import HistoryInline
from .consent import ConsentInline
from .forms import ChildAdminForm

# Reference lists ---------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(ScopedModelAdmin):
    """The categories are fixed by law (Law on Children 2016, Art. 10): read-only."""

    list_display = ["code", "point", "name"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskFactor)
class RiskFactorAdmin(ProvinceListAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


# Children ----------------------------------------------------------------------------------


class ChildCategoryInline(ScopedTabularInline):
    model = ChildCategory
    fields = ["category", "recorded_on", "survey", "case"]
    raw_id_fields = ["survey", "case"]
    extra = 0


class SurveyRecordInline(ScopedTabularInline):
    model = SurveyRecord
    fields = ["survey_year", "commune", "village", "in_school", "categories", "risks", "notes"]
    autocomplete_fields = ["commune"]
    extra = 0


class ChildCaseInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = Case
    fields = readonly_fields = ("case_ref", "status", "opened_on", "closed_on", "outcome")
    show_change_link = True
    verbose_name_plural = _("cases")
    # Each row is titled with the case, whose name includes the child's.
    list_select_related = ("child",)


class MergeInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = ChildMerge
    fk_name = "kept"
    fields = readonly_fields = ("at", "user", "merged", "moved", "note")
    list_select_related = ("user", "merged")


@admin.register(Child)
class ChildAdmin(UnitIndexedListMixin, SensitiveFieldsMixin, KindImportExportMixin, ServiceSavingAdmin):
    import_kind = "children"
    sensitive_fields = SENSITIVE_CHILD_FIELDS
    export_resource_class = ChildSurveyResource
    form = ChildAdminForm
    list_display = ["full_name", "birth", "sex", "ethnicity", "commune", "village", "in_school"]
    list_filter = [
        UnitInScopeFilter,
        f.CategoryFilter,
        f.SexFilter,
        f.EthnicityFilter,
        f.AgeGroupFilter,
        "in_school",
        f.MergedFilter,
        f.AwaitingReviewFilter,
    ]
    list_select_related = ["commune"]
    search_fields = ["full_name"]
    search_help_text = _("Name (with or without accents), personal ID or reference.")
    show_full_result_count = False
    list_per_page = 50
    # A page's ids come from the index of live children by name, then the rows.
    paginator = IdsFirstPaginator
    autocomplete_fields = ["commune"]
    filter_horizontal = ["risks"]
    readonly_fields = [
        "reported_by",
        "merged_into",
        "current_unit",
        "created_at",
        "updated_at",
        "access_log",
        "held_identifiers",
    ]
    inlines = [ChildCategoryInline, SurveyRecordInline, ConsentInline, ChildCaseInline, MergeInline, HistoryInline]

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "full_name",
                    ("date_of_birth", "birth_year", "birth_year_only"),
                    ("sex", "ethnicity"),
                    "personal_id",
                    "child_ref",
                    "accept_warnings",
                ]
            },
        ),
        (_("Where"), {"fields": ["commune", "village", "current_unit"]}),
        (_("Care and school"), {"fields": ["caregiver_name", "caregiver_relation", "caregiver_phone", "in_school"]}),
        (_("Situation"), {"fields": ["risks", "notes"]}),
        (_("Record"), {"fields": ["reported_by", "merged_into", "created_at", "updated_at", "expected_version"]}),
    ]

    @admin.display(description=_("birth"), ordering="birth_year")
    def birth(self, obj: Child) -> str:
        if obj.date_of_birth and not obj.birth_year_only:
            return obj.date_of_birth.strftime("%d/%m/%Y")
        return str(obj.birth_year)

    @admin.display(description=_("access log"))
    def access_log(self, obj: Child) -> str:
        url = reverse("admin:audit_accessevent_changelist") + f"?child_id={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Who opened this file"))

    @admin.display(description=_("held identifiers"))
    def held_identifiers(self, obj: Child) -> str:
        held = [
            f"{cast(models.Field, Child._meta.get_field(field)).verbose_name}: {getattr(obj, pending)}"
            for field, pending in identifiers.HELD_FIELDS
            if getattr(obj, pending)
        ]
        if not held:
            return "-"
        return gettext("Awaiting duplicate review: %(values)s") % {"values": "; ".join(held)}

    def get_form(
        self, request: HttpRequest, obj: models.Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        # The form is built from the fieldsets, so a field left out is neither shown nor accepted.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and identifiers.is_reviewer(request.user) and sees_personal_data(request):
            # Only reviewers learn that a value is held (cases/identifiers.py).
            fieldsets = [*fieldsets, (_("Duplicate review"), {"fields": ["held_identifiers"]})]
        if obj is not None and request.user.has_perm(ACCESS_LOG_PERM):
            fieldsets = [*fieldsets, (_("Access log"), {"fields": ["access_log"]})]
        return fieldsets

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return child_search(queryset, term, one_unit=searches_one_unit(request)), False

    def get_ordering(self, request):
        # Names that match a search cluster in name order, so walking the name index to find
        # the first page can read most of the table; newest first lets PostgreSQL use the
        # trigram index or stop early. A column the user clicks still sorts.
        if request.GET.get("q", "").strip():
            return ["-pk"]
        return super().get_ordering(request)

    def save_inline_service(self, *, request, obj):
        if isinstance(obj, Consent):
            # History and the consent permissions included.
            consent_save(consent=obj, user=request.user)
        else:
            super().save_inline_service(request=request, obj=obj)

    def save_service(self, *, request, obj, form, change):
        child_save(
            child=obj,
            user=request.user,
            expected_version=form.cleaned_data.get("expected_version"),
            accept_warnings=bool(form.cleaned_data.get("accept_warnings")),
        )

    def response_add(self, request, obj, post_url_continue=None):
        matches = child_duplicates(user=request.user, child=obj)
        if matches:
            url = reverse("admin:cases_child_duplicates", args=[obj.pk])
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("%(count)s possible duplicates of this child were found.") % {"count": len(matches)},
                    url,
                    gettext("Review them"),
                ),
            )
        return super().response_add(request, obj, post_url_continue)

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/duplicates/",
                self.permission_view(self.duplicates_view),
                name="cases_child_duplicates",
            )
        ]
        return urls + super().get_urls()

    def duplicates_view(self, request: HttpRequest, child: Child) -> HttpResponse:
        """Likely duplicates of a child; an officer may merge one of them into this child."""
        matches = child_duplicates(user=request.user, child=child)
        if request.method == "POST":
            if not may_act(request.user):
                raise PermissionDenied
            merge = request.POST.get("merge", "")
            if not merge.isdigit():
                raise Http404
            drop = get_object_or_404(Child.objects.visible_to(request.user), pk=int(merge))
            try:
                child_merge(keep=child, drop=drop, user=signed_in(request.user), note=request.POST.get("note", ""))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, gettext("The two records were merged into this one."))
                return HttpResponseRedirect(reverse("admin:cases_child_change", args=[child.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Possible duplicates of %(name)s") % {"name": child.full_name},
            "child": child,
            "matches": matches,
            "can_merge": may_act(request.user),
        }
        return TemplateResponse(request, "admin/cases/child/duplicates.html", context)


@admin.register(SurveyRecord)
class SurveyRecordAdmin(ServiceSavingAdmin):
    list_display = ["child", "survey_year", "commune", "village", "in_school"]
    list_filter = ["survey_year", UnitInScopeFilter]
    list_select_related = ["child", "commune"]
    raw_id_fields = ["child"]
    autocomplete_fields = ["commune"]
    filter_horizontal = ["categories", "risks"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (queryset.filter(child__name_folded__contains=fold(term)), False) if term else (queryset, False)

    search_fields = ["child__full_name"]

    def save_service(self, *, request, obj, form, change):
        related_record_save(record=obj, user=request.user)


@admin.register(CommuneStats)
class CommuneStatsAdmin(KindImportExportMixin, ServiceSavingAdmin):
    import_kind = "commune_stats"
    export_resource_class = CommuneStatsResource
    list_display = ["commune", "survey_year", "children_total", "special_total", "at_risk_total"]
    list_filter = ["survey_year", UnitInScopeFilter]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]

    def save_service(self, *, request, obj, form, change):
        related_record_save(record=obj, user=request.user)
