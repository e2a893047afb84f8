"""Admin of children, survey records, commune statistics and cases, in Vietnamese.

Every admin and inline is scoped (``scope.admin``); saves go through
``cases.services``. Sensitive fields are shown only to users with
``accounts.view_personal_data``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.admin_mixins import KindImportExportMixin
from locations.text import fold
from scope.admin import ScopedModelAdmin, ScopedStackedInline, ScopedTabularInline, add_validation_error

from .. import identifiers
from ..case_forms import FORM_SECTIONS
from ..consent import Consent
from ..history import SENSITIVE_CASE_FIELDS, SENSITIVE_CHILD_FIELDS
from ..models import (
    Case,
    CaseAttachment,
    CaseForm,
    CaseNote,
    CaseTransition,
    Category,
    ChangeRecord,
    Child,
    ChildCategory,
    ChildMerge,
    CommuneStats,
    Incident,
    PlanAction,
    RiskFactor,
    ServiceDelivery,
    SupportPlan,
    SurveyRecord,
)
from ..referrals import Referral
from ..resources import CaseResource, ChildSurveyResource, CommuneStatsResource
from ..selectors import child_duplicates
from ..services import case_save, case_transition, child_merge, child_save, related_record_save
from ..workflow import allowed_next, may_act
from . import assignment as assignment_admin
from . import filters as f
from .consent import ConsentInline, save_consent_formset
from .documents import case_document_buttons, case_document_view
from .forms import CaseAdminForm, CaseFormAdminForm, ChildAdminForm, TransitionForm, section_field
from .incidents import IncidentInline, save_incident_formset
from .referrals import ReferralInline, save_referral_formset
from .transfers import transfer_button

PERSONAL_DATA_PERM = "accounts.view_personal_data"
ACCESS_LOG_PERM = "audit.view_accessevent"


def sees_personal_data(request: HttpRequest) -> bool:
    return request.user.has_perm(PERSONAL_DATA_PERM)


class ServiceSavingAdmin(ScopedModelAdmin):
    """Saves inline rows through the service instead of ``formset.save()``."""

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            # The formset's own delete: an archivable row is archived (see ScopedInline).
            formset.delete_existing(obj)
        for obj in instances:
            related_record_save(record=obj, user=request.user)
        formset.save_m2m()


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
class RiskFactorAdmin(ScopedModelAdmin):
    """An editable list, kept by the province office."""

    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]

    def _province_level(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.role == "province_officer"

    def has_add_permission(self, request):
        return self._province_level(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._province_level(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


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
    fields = ["case_ref", "status", "opened_on", "closed_on", "outcome"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("cases")
    # Each row is titled with the case, whose name includes the child's.
    list_select_related = ("child",)


class HistoryInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = ChangeRecord
    fields = ["at", "user", "action", "case", "what_changed"]
    readonly_fields = fields
    verbose_name_plural = _("history of changes")
    list_select_related = ("user", "case__child")

    @admin.display(description=_("what changed"))
    def what_changed(self, obj: ChangeRecord) -> str:
        rows = format_html_join(
            "", "<li><b>{}</b>: {} → {}</li>", ((k, v[0] or "—", v[1] or "—") for k, v in obj.changes.items())
        )
        return format_html("{}<ul>{}</ul>", obj.summary, rows)


class CaseHistoryInline(HistoryInline):
    fk_name = "case"
    fields = ["at", "user", "action", "what_changed"]
    readonly_fields = fields
    list_select_related = ("user",)


class MergeInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = ChildMerge
    fk_name = "kept"
    fields = ["at", "user", "merged", "moved", "note"]
    readonly_fields = fields
    list_select_related = ("user", "merged")


@admin.register(Child)
class ChildAdmin(KindImportExportMixin, ServiceSavingAdmin):
    import_kind = "children"
    export_resource_class = ChildSurveyResource
    form = ChildAdminForm
    list_display = ["full_name", "birth", "sex", "ethnicity", "commune", "village", "in_school"]
    list_filter = [
        f.UnitInScopeFilter,
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
            f"{Child._meta.get_field(field).verbose_name}: {getattr(obj, pending)}"
            for field, pending in identifiers.HELD_FIELDS
            if getattr(obj, pending)
        ]
        if not held:
            return "-"
        return gettext("Awaiting duplicate review: %(values)s") % {"values": "; ".join(held)}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        # The form is built from the fieldsets, so a hidden field is neither shown nor accepted.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and identifiers.is_reviewer(request.user) and sees_personal_data(request):
            # Only reviewers learn that a value is held (cases/identifiers.py).
            fieldsets = [*fieldsets, (_("Duplicate review"), {"fields": ["held_identifiers"]})]
        if obj is not None and request.user.has_perm(ACCESS_LOG_PERM):
            fieldsets = [*fieldsets, (_("Access log"), {"fields": ["access_log"]})]
        if sees_personal_data(request):
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in SENSITIVE_CHILD_FIELDS]})
            for name, opts in fieldsets
        ]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.search(term), False

    def get_ordering(self, request):
        # Names that match a search cluster in name order, so walking the name index to find
        # the first page can read most of the table; newest first lets PostgreSQL use the
        # trigram index or stop early. A column the user clicks still sorts.
        if request.GET.get("q", "").strip():
            return ["-pk"]
        return super().get_ordering(request)

    def save_formset(self, request, form, formset, change):
        if formset.model is Consent:
            save_consent_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)

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
                child_merge(keep=child, drop=drop, user=request.user, note=request.POST.get("note", ""))
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
    list_filter = ["survey_year", f.UnitInScopeFilter]
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
    list_filter = ["survey_year", f.UnitInScopeFilter]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]

    def save_service(self, *, request, obj, form, change):
        related_record_save(record=obj, user=request.user)


# Cases -------------------------------------------------------------------------------------


class TransitionInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = CaseTransition
    fields = ["on", "from_status", "to_status", "outcome", "user", "note", "at"]
    readonly_fields = fields
    verbose_name_plural = _("workflow steps")
    list_select_related = ("user",)


class SupportPlanInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = SupportPlan
    fields = ["cycle", "decision_no", "decision_on", "approved_by", "document"]
    readonly_fields = fields
    show_change_link = True


class ServiceDeliveryInline(ScopedTabularInline):
    model = ServiceDelivery
    fields = ["on", "kind", "provider", "description"]
    extra = 0


class CaseNoteInline(ScopedStackedInline):
    model = CaseNote
    fields = ["on", "text", "author"]
    readonly_fields = ["author"]
    list_select_related = ("author",)
    extra = 0

    def has_view_permission(self, request, obj=None):
        return sees_personal_data(request) and super().has_view_permission(request, obj)


class CaseFormInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = CaseForm
    fields = ["form", "filled_on", "filled_by"]
    readonly_fields = fields
    show_change_link = True
    list_select_related = ("filled_by",)


class AttachmentInline(ScopedTabularInline):
    model = CaseAttachment
    fields = ["title", "form", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
    list_select_related = ("uploaded_by",)
    extra = 0


@admin.register(Case)
class CaseAdmin(KindImportExportMixin, ServiceSavingAdmin):
    import_kind = "cases"
    export_resource_class = CaseResource
    form = CaseAdminForm
    list_display = [
        "case_ref", "child", "commune", "status", "emergency", "opened_on", "closed_on", "deadline_badge", "assigned_to"
    ]  # fmt: skip
    list_filter = [
        f.UnitInScopeFilter,
        "status",
        f.OverdueFilter,
        assignment_admin.MyCasesFilter,
        assignment_admin.QueueFilter,
        "channel",
        "emergency",
        "outcome",
        f.CaseCategoryFilter,
        f.CaseSexFilter,
        f.CaseEthnicityFilter,
        f.CaseAgeGroupFilter,
    ]
    list_select_related = ["child", "commune", "assigned_to"]
    actions = [assignment_admin.assign_selected]
    search_fields = ["case_ref"]
    search_help_text = _("Case number, child's name (with or without accents) or personal ID.")
    show_full_result_count = False
    list_per_page = 50
    raw_id_fields = ["child"]
    autocomplete_fields = ["commune", "model"]
    filter_horizontal = ["circumstances"]
    inlines = [
        TransitionInline,
        SupportPlanInline,
        ServiceDeliveryInline,
        CaseNoteInline,
        IncidentInline,
        ReferralInline,
        CaseFormInline,
        AttachmentInline,
        CaseHistoryInline,
    ]
    fieldsets = [
        (
            None,
            {"fields": ["case_ref", "child", "commune", "opened_on", "reported_at", "channel", "emergency", "model"]},
        ),
        (_("Assignment"), {"fields": ["assigned_to"]}),
        (
            _("Workflow"),
            {"fields": ["status", "closed_on", "outcome", "deadlines", "intervened_at"]},
        ),
        (_("Situation"), {"fields": ["circumstances", "abuse_details", "notes"]}),
        (_("Record"), {"fields": ["reported_by", "current_unit", "created_at", "updated_at", "expected_version"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "assigned_to" and formfield is not None:
            # Officers covering the case's commune (docs/contract/case-work.md, "Assignment").
            case = getattr(request, "_case_obj", None)
            formfield.queryset = assignment_admin.assignable_users(request.user, case)
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._case_obj = obj
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "closed_on", "outcome", "deadlines", "reported_by", "current_unit"]
        fields += ["created_at", "updated_at"]
        if obj is not None:
            fields.append("case_ref")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_personal_data(request):
            return fieldsets
        return [
            (name, {**opts, "fields": [x for x in opts["fields"] if x not in SENSITIVE_CASE_FIELDS]})
            for name, opts in fieldsets
        ]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit() and len(term) == 12:
            return queryset.filter(child__personal_id=term), False
        by_ref = queryset.filter(case_ref__istartswith=term)
        by_name = queryset.filter(child__name_folded__contains=fold(term))
        return by_ref | by_name, False

    def get_ordering(self, request):
        # See ChildAdmin.get_ordering: a search lists newest first.
        if request.GET.get("q", "").strip():
            return ["-pk"]
        return super().get_ordering(request)

    @admin.display(description=_("deadline"))
    def deadline_badge(self, obj: Case) -> str:
        if obj.is_overdue(now=timezone.now()):
            return format_html('<span style="{}">{}</span>', BADGE_STYLE, gettext("Overdue"))
        return ""

    @admin.display(description=_("deadlines"))
    def deadlines(self, obj: Case) -> str:
        parts = []
        if obj.intervention_due_at:
            parts.append(
                gettext("Intervention due %(at)s")
                % {"at": timezone.localtime(obj.intervention_due_at).strftime("%H:%M %d/%m/%Y")}
            )
        if obj.plan_due_on:
            parts.append(gettext("Plan due %(on)s") % {"on": obj.plan_due_on.strftime("%d/%m/%Y")})
        return format_html("{} {}", "; ".join(parts), self.deadline_badge(obj)) if parts else "—"

    def workflow_buttons(self, request: HttpRequest, case: Case) -> list[tuple[str, str]]:
        """(url, label) of each allowed next step; none for users who may not act."""
        if not may_act(request.user) or not self.has_change_permission(request, case):
            return []
        labels = dict(Case.Status.choices)
        return [
            (reverse("admin:cases_case_transition", args=[case.pk, to]), _button_label(case.status, to, labels))
            for to in allowed_next(case.status)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "workflow_buttons": self.workflow_buttons(request, case) if case else [],
            "document_buttons": case_document_buttons(self, request, case) if case else [],
            "transfer_button": transfer_button(request, case),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_service(self, *, request, obj, form, change):
        case_save(case=obj, user=request.user, expected_version=form.cleaned_data.get("expected_version"))

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is Incident:
            save_incident_formset(request, formset)
        elif formset.model is Referral:
            save_referral_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/transition/<str:to_status>/",
                self.permission_view(self.transition_view, needs="change"),
                name="cases_case_transition",
            ),
            path(
                "<path:object_id>/documents/<str:form>/",
                self.permission_view(self.document_view),
                name="cases_case_document",
            ),
        ]
        return urls + super().get_urls()

    def document_view(self, request: HttpRequest, case: Case, form: str) -> HttpResponse:
        """A Decree 56 form of the case as DOCX or PDF (``?format=``), for users who may view the case."""
        return case_document_view(request, case, form)

    def transition_view(self, request: HttpRequest, case: Case, to_status: str) -> HttpResponse:
        if not may_act(request.user):
            raise PermissionDenied
        form = TransitionForm(
            request.POST or None,
            request.FILES or None,
            to_status=to_status,
            initial={"on": timezone.localdate(), "expected_version": case.version},
        )
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                case_transition(case=case, user=request.user, to_status=to_status, **data)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "stale":
                    form.add_error(None, exc)
                else:
                    add_validation_error(form, exc)
            else:
                messages.success(
                    request, gettext("The case moved to “%(status)s”.") % {"status": case.get_status_display()}
                )
                return HttpResponseRedirect(reverse("admin:cases_case_change", args=[case.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _button_label(case.status, to_status, dict(Case.Status.choices)),
            "case": case,
            "form": form,
            "to_status": to_status,
        }
        return TemplateResponse(request, "admin/cases/case/transition.html", context)


BADGE_STYLE = "background:#ba2121;color:#fff;padding:1px 6px;border-radius:8px;font-size:11px"


def _button_label(from_status: str, to_status: str, labels: dict[str, Any]) -> str:
    if from_status == Case.Status.CLOSED:
        return gettext("Reopen the case")
    if to_status == Case.Status.CLOSED:
        return gettext("Close the case")
    if from_status == Case.Status.REVIEW and to_status == Case.Status.PLAN_APPROVED:
        return gettext("Approve a new plan")
    return gettext("Move to: %(status)s") % {"status": labels.get(to_status, to_status)}


class PlanActionInline(ScopedTabularInline):
    model = PlanAction
    fields = ["action", "responsible", "due_on", "done_on"]
    extra = 1


@admin.register(SupportPlan)
class SupportPlanAdmin(ServiceSavingAdmin):
    """A plan is created by the approval step; here its actions are kept."""

    list_display = ["case", "cycle", "decision_no", "decision_on"]
    list_select_related = ["case", "case__child"]
    readonly_fields = ["case", "cycle"]
    inlines = [PlanActionInline]
    search_fields = ["case__case_ref"]

    def has_add_permission(self, request):
        return False

    def save_service(self, *, request, obj, form, change):
        related_record_save(record=obj, user=request.user)


@admin.register(CaseForm)
class CaseFormAdmin(ServiceSavingAdmin):
    form = CaseFormAdminForm
    list_display = ["case", "form", "filled_on", "filled_by"]
    list_filter = ["form"]
    list_select_related = ["case__child", "filled_by"]
    raw_id_fields = ["case"]
    search_fields = ["case__case_ref"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["case", "form", "filled_on"]})]
        for code, items in FORM_SECTIONS.items():
            label = dict(CaseForm.Form.choices)[code]
            fields = [section_field(code, key) for key, _label in items]
            if obj is None or obj.form == code:
                fieldsets.append((label, {"fields": fields, "classes": [] if obj else ["collapse"]}))
        return fieldsets

    def save_service(self, *, request, obj, form, change):
        related_record_save(record=obj, user=request.user)
