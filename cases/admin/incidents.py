"""Admin of incidents of abuse: the inline on the case page and the two editable reference lists."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.types import signed_in
from scope.admin import ScopedStackedInline, SensitiveFieldsMixin

from ..incident_services import incident_save
from ..incidents import AbuseForm, AbuseSetting, Incident
from .base import ProvinceListAdmin


class ReferenceListAdmin(ProvinceListAdmin):
    """Rows named by key: reports, the API and import files use the key."""

    list_display = ["key", "name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["key", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Reports, the API and import files name rows by key: a saved key never changes.
        return ["key"] if obj is not None else []


@admin.register(AbuseForm)
class AbuseFormAdmin(ReferenceListAdmin):
    pass


@admin.register(AbuseSetting)
class AbuseSettingAdmin(ReferenceListAdmin):
    pass


class IncidentInlineForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["date", "forms", "setting", "perpetrator_relation", "reported_to_police", "handling", "notes"]
        widgets = {"forms": forms.CheckboxSelectMultiple, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A switched-off row stays on the incidents that already name it.
        current_forms = list(self.instance.forms.values_list("pk", flat=True)) if self.instance.pk else []
        forms_field = cast(forms.ModelChoiceField, self.fields["forms"])
        forms_field.queryset = AbuseForm.objects.filter(is_active=True) | AbuseForm.objects.filter(pk__in=current_forms)
        current_setting = [self.instance.setting_id] if self.instance.setting_id else []
        setting_field = cast(forms.ModelChoiceField, self.fields["setting"])
        setting_field.queryset = AbuseSetting.objects.filter(is_active=True) | AbuseSetting.objects.filter(
            pk__in=current_setting
        )


class IncidentInline(SensitiveFieldsMixin, ScopedStackedInline):
    model = Incident
    form = IncidentInlineForm
    fields = [("date", "setting"), "forms", ("perpetrator_relation", "reported_to_police", "handling"), "notes"]
    extra = 0
    # What happened to a child is personal data: never for roles that see aggregates only.
    sensitive_rows = True


def save_incident_formset(request: HttpRequest, formset: Any) -> None:
    """Save the incident inline through ``incident_save`` (forms of abuse included)."""
    formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj.delete()
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed() or not form.is_valid():
            continue
        incident_save(incident=form.instance, user=signed_in(request.user), forms=form.cleaned_data.get("forms"))
