"""Transfers in the admin: incoming and outgoing lists, answers, the case page's button.

The receiving side sees a pending transfer's summary only (the child's name, age and sex, the reason,
the units and dates; docs/contract/case-work.md, "Transfers"): no link to the case until it accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.types import signed_in
from locations.models import Unit
from scope.admin import ScopedModelAdmin, add_validation_error
from scope.core import OutOfScope, units_reached

from ..models import Case
from ..transfer_services import transfer_accept, transfer_cancel, transfer_reject, transfer_request
from ..transfers import Transfer
from ..workflow import may_act

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DirectionFilter(admin.SimpleListFilter):
    title = _("direction")
    parameter_name = "direction"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("incoming", _("Incoming")), ("outgoing", _("Outgoing"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        incoming = {"to_unit__in": units_reached(request.user).values("pk")}
        if self.value() == "incoming":
            return queryset.filter(**incoming)
        if self.value() == "outgoing":
            return queryset.exclude(**incoming)
        return queryset


class TransferRequestForm(forms.Form):
    to_unit = forms.ModelChoiceField(
        label=_("to commune"),
        queryset=Unit.objects.none(),
        help_text=_("A commune that exists today, in any district or province."),
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    consent_override_reason = forms.CharField(
        label=_("reason for sharing without consent"),
        required=False,
        help_text=_("Only when the child has no current consent to share the file; a manager decides."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        cast(forms.ModelChoiceField, self.fields["to_unit"]).queryset = (
            Unit.objects.valid_on(today).filter(level=Unit.Level.COMMUNE).select_related("parent").order_by("code")
        )


class TransferAnswerForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    assign_to = forms.ModelChoiceField(label=_("assign to"), queryset=get_user_model().objects.none(), required=False)

    def __init__(self, *args: Any, transfer: Transfer, answer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if answer == "accept":
            cast(forms.ModelChoiceField, self.fields["assign_to"]).queryset = get_user_model().objects.filter(
                is_active=True, unit__in=Unit.objects.filter(pk=transfer.to_unit_id)
            )
            del self.fields["reason"]
        else:
            del self.fields["assign_to"]
            if answer == "cancel":
                del self.fields["reason"]


# The answers to a pending transfer: the button's title and the service that gives it.
ANSWERS: dict[str, tuple[StrOrPromise, Callable[..., Transfer]]] = {
    "accept": (_("Accept the transfer"), transfer_accept),
    "reject": (_("Refuse the transfer"), transfer_reject),
    "cancel": (_("Cancel the transfer"), transfer_cancel),
}


@admin.register(Transfer)
class TransferAdmin(ScopedModelAdmin):
    """Transfers sent from or to the user's units; answered with the buttons of a transfer's page."""

    list_display = ["child_name", "from_unit", "to_unit", "status", "requested_at", "decided_at"]
    list_filter = [DirectionFilter, "status"]
    list_select_related = ["case__child", "from_unit", "to_unit"]
    fields = readonly_fields = (
        "child_name",
        "child_age",
        "child_sex",
        "reason",
        "from_unit",
        "to_unit",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_reason",
        "consent_override_reason",
        "consent_override_by",
    )
    change_form_template = "admin/cases/transfer/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("child"))
    def child_name(self, obj: Transfer) -> str:
        return obj.case.child.full_name

    @admin.display(description=_("age"))
    def child_age(self, obj: Transfer) -> int:
        return obj.case.child.age_on(timezone.localdate())

    @admin.display(description=_("sex"))
    def child_sex(self, obj: Transfer) -> str:
        return obj.case.child.get_sex_display()

    def answer_buttons(self, request: HttpRequest, transfer: Transfer) -> list[tuple[str, Any]]:
        if transfer.status != Transfer.Status.PENDING or not self.has_change_permission(request, transfer):
            return []
        receiving = units_reached(request.user).filter(pk=transfer.to_unit_id).exists()
        sending = Case.objects.visible_to(request.user).filter(pk=transfer.case_id).exists()
        names = (["accept", "reject"] if receiving else []) + (["cancel"] if sending else [])
        return [(reverse(f"admin:cases_transfer_{name}", args=[transfer.pk]), ANSWERS[name][0]) for name in names]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        transfer = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "answer_buttons": self.answer_buttons(request, transfer) if transfer else [],
            "case_link": (
                reverse("admin:cases_case_change", args=[transfer.case_id])
                if transfer and Case.objects.visible_to(request.user).filter(pk=transfer.case_id).exists()
                else ""
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        urls = [
            path(
                f"<path:object_id>/{name}/",
                self.permission_view(self.answer_view, needs="change", missing="404"),
                {"answer": name},
                name=f"cases_transfer_{name}",
            )
            for name in ANSWERS
        ]
        urls.append(
            path(
                "request/<str:case_id>/",
                self.permission_view(self.request_view, needs="change"),
                name="cases_transfer_request",
            )
        )
        return urls + super().get_urls()

    def answer_view(self, request: HttpRequest, transfer: Transfer, answer: str) -> HttpResponse:
        if not may_act(request.user):
            raise PermissionDenied
        title, service = ANSWERS[answer]
        form = TransferAnswerForm(request.POST if request.method == "POST" else None, transfer=transfer, answer=answer)
        if request.method == "POST" and form.is_valid():
            try:
                service(transfer=transfer, by=signed_in(request.user), **form.cleaned_data)
            except OutOfScope as exc:
                raise Http404 from exc
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, gettext("The transfer is now “%(status)s”.") % {"status": _status(transfer)})
                return HttpResponseRedirect(reverse("admin:cases_transfer_changelist"))
        return self._form_page(request, title=title, form=form, subject=str(transfer))

    def request_view(self, request: HttpRequest, case_id: str) -> HttpResponse:
        if not request.user.has_perm("cases.add_transfer") or not may_act(request.user):
            raise PermissionDenied
        if not case_id.isdigit():
            raise Http404
        case = Case.objects.visible_to(request.user).filter(pk=int(case_id)).select_related("child").first()
        if case is None:
            raise Http404
        form = TransferRequestForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                transfer_request(case=case, by=signed_in(request.user), **form.cleaned_data)
            except OutOfScope as exc:
                raise Http404 from exc
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, gettext("The transfer was sent; the receiving commune will answer it."))
                return HttpResponseRedirect(reverse("admin:cases_case_change", args=[case.pk]))
        return self._form_page(request, title=gettext("Transfer this case"), form=form, subject=str(case))

    def _form_page(self, request: HttpRequest, *, title: Any, form: forms.Form, subject: str) -> HttpResponse:
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": title, "form": form}
        context["subject"] = subject
        return TemplateResponse(request, "admin/cases/transfer/form.html", context)


def _status(transfer: Transfer) -> str:
    transfer.refresh_from_db(fields=["status"])
    return str(transfer.get_status_display())


def transfer_button(request: HttpRequest, case: Case | None) -> str:
    """The address of the case page's "transfer this case" button, for users who may send one."""
    if case is None or case.status == Case.Status.CLOSED:
        return ""
    if not (request.user.has_perm("cases.add_transfer") and may_act(request.user)):
        return ""
    return reverse("admin:cases_transfer_request", args=[case.pk])
