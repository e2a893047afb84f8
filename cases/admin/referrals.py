"""Referrals in the admin: an inline on the case page and a changelist (docs/contract/case-work.md).

A new row is sent with ``referral_send`` and a changed status goes through ``referral_set_status``,
so every change is a ``ReferralStep``; the form checks both first, so a refusal is a form error.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.types import signed_in
from scope.admin import ScopedModelAdmin, ScopedTabularInline

from ..referral_services import REFERRAL_TRANSITIONS, referral_send, referral_set_status
from ..referrals import Referral, ReferralStep
from ..transfer_services import sharing_allowed


class ReferralInlineForm(forms.ModelForm):
    note = forms.CharField(label=_("note on the change"), required=False)

    class Meta:
        model = Referral
        fields = ["service", "provider", "reason", "due_on", "shares_file", "consent_override_reason", "status"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2}), "consent_override_reason": forms.TextInput()}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            # The details of a sent referral are kept; only its status moves on.
            for name in ("service", "provider", "reason", "due_on", "shares_file", "consent_override_reason"):
                self.fields[name].disabled = True
            allowed = {self.instance.status, *REFERRAL_TRANSITIONS[self.instance.status]}
            cast(forms.ChoiceField, self.fields["status"]).choices = [
                c for c in Referral.Status.choices if c[0] in allowed
            ]
        else:
            self.fields["status"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.instance.pk is None and data.get("shares_file") and self.instance.case_id:
            try:
                sharing_allowed(
                    child=self.instance.case.child,
                    by=self.user,
                    override_reason=data.get("consent_override_reason", ""),
                )
            except ValidationError as exc:
                self.add_error(None, exc.message_dict.get("consent_override_reason", exc.messages))
        return data


class ReferralInline(ScopedTabularInline):
    model = Referral
    form = ReferralInlineForm
    fields = ["service", "provider", "reason", "due_on", "shares_file", "consent_override_reason", "status", "note"]
    extra = 0
    can_delete = False

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)

        class WithUser(formset):  # type: ignore[misc, valid-type]
            def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
                return {**super().get_form_kwargs(index), "user": request.user}

        return WithUser


def save_referral_formset(request: HttpRequest, formset: Any) -> None:
    """Send new referrals and move changed statuses through the services (nothing is deleted)."""
    formset.save(commit=False)  # fills the lists the admin's change message reads; saves nothing
    for form in formset.forms:
        if not form.has_changed() or not form.is_valid() or form in formset.deleted_forms:
            continue
        data = form.cleaned_data
        if form.instance.pk is None:
            referral_send(
                case=formset.instance,
                service=data["service"],
                provider=data["provider"],
                reason=data["reason"],
                due_on=data.get("due_on"),
                shares_file=data.get("shares_file", True),
                consent_override_reason=data.get("consent_override_reason", ""),
                by=signed_in(request.user),
            )
        elif "status" in form.changed_data:
            stored = Referral.objects.get(pk=form.instance.pk)
            referral_set_status(
                referral=stored, status=data["status"], by=signed_in(request.user), note=data.get("note", "")
            )


class ReferralStepInline(ScopedTabularInline):
    model = ReferralStep
    fields = readonly_fields = ("from_status", "to_status", "at", "user", "note")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Referral)
class ReferralAdmin(ScopedModelAdmin):
    """All referrals in scope, with the open ones' due dates; they are sent from the case page."""

    list_display = ["case", "service", "provider", "status", "due_on", "sent_at", "answered_at"]
    list_filter = ["status", "service"]
    list_select_related = ["case__child"]
    search_fields = ["provider", "case__case_ref"]
    fields = readonly_fields = (
        "case",
        "service",
        "provider",
        "reason",
        "due_on",
        "shares_file",
        "status",
        "sent_by",
        "sent_at",
        "answered_at",
        "consent_override_reason",
        "consent_override_by",
    )
    inlines = [ReferralStepInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
