"""Admin of case management, in Vietnamese: cases with their steps, plans, services, notes, forms and
attachments, support plans and case forms.

Every admin and inline is scoped (``scope.admin``); saves go through ``cases.services``. Sensitive
fields are shown only to users with ``accounts.view_personal_data``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.types import signed_in
from imports.admin_mixins import KindImportExportMixin
from locations.text import fold
from scope.admin import ScopedStackedInline, ScopedTabularInline, SensitiveFieldsMixin, add_validation_error
from scope.admin_filters import UnitInScopeFilter
from scope.unit_indexed import UnitIndexedListMixin

from ..case_forms import FORM_SECTIONS
from ..history import SENSITIVE_CASE_FIELDS
from ..models import (
    Case,
    CaseAttachment,
    CaseForm,
    CaseNote,
    CaseTransition,
    Incident,
    PlanAction,
    ServiceDelivery,
    SupportPlan,
)
from ..referrals import Referral
from ..resources import CaseResource
from ..services import case_save, case_transition, related_record_save
from ..workflow import allowed_next, may_act
from . import assignment as assignment_admin
from . import filters as f
from .base import ReadOnlyInlineMixin, ServiceSavingAdmin
from .changes import CaseHistoryInline
from .documents import case_document_buttons, case_document_view
from .forms import CaseAdminForm, CaseFormAdminForm, TransitionForm, section_field
from .incidents import IncidentInline, save_incident_formset
from .referrals import ReferralInline, save_referral_formset
from .transfers import transfer_button

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class TransitionInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = CaseTransition
    fields = readonly_fields = ("on", "from_status", "to_status", "outcome", "user", "note", "at")
    verbose_name_plural = _("workflow steps")
    list_select_related = ("user",)


class SupportPlanInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = SupportPlan
    fields = readonly_fields = ("cycle", "decision_no", "decision_on", "approved_by", "document")
    show_change_link = True


class ServiceDeliveryInline(ScopedTabularInline):
    model = ServiceDelivery
    fields = ["on", "kind", "provider", "description"]
    extra = 0


class CaseNoteInline(SensitiveFieldsMixin, ScopedStackedInline):
    model = CaseNote
    sensitive_rows = True
    fields = ["on", "text", "author"]
    readonly_fields = ["author"]
    list_select_related = ("author",)
    extra = 0


class CaseFormInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = CaseForm
    fields = readonly_fields = ("form", "filled_on", "filled_by")
    show_change_link = True
    list_select_related = ("filled_by",)


class AttachmentInline(ScopedTabularInline):
    model = CaseAttachment
    fields = ["title", "form", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
    list_select_related = ("uploaded_by",)
    extra = 0


@admin.register(Case)
class CaseAdmin(UnitIndexedListMixin, SensitiveFieldsMixin, KindImportExportMixin, ServiceSavingAdmin):
    import_kind = "cases"
    sensitive_fields = SENSITIVE_CASE_FIELDS
    export_resource_class = CaseResource
    form = CaseAdminForm
    list_display = [
        "case_ref", "child", "commune", "status", "emergency", "opened_on", "closed_on", "deadline_badge", "assigned_to"
    ]  # fmt: skip
    list_filter = [
        UnitInScopeFilter,
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
                case_transition(case=case, user=signed_in(request.user), to_status=to_status, **data)
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
        fieldsets: list[tuple[StrOrPromise | None, dict[str, Any]]] = [
            (None, {"fields": ["case", "form", "filled_on"]})
        ]
        for code, items in FORM_SECTIONS.items():
            label = dict(CaseForm.Form.choices)[code]
            fields = [section_field(code, key) for key, _label in items]
            if obj is None or obj.form == code:
                fieldsets.append((label, {"fields": fields, "classes": [] if obj else ["collapse"]}))
        return fieldsets

    def save_service(self, *, request, obj, form, change):
        related_record_save(record=obj, user=request.user)
