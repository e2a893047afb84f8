"""Admin of incidents of abuse: the inline on the case page and the two editable reference lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from scope.admin import ScopedModelAdmin, ScopedStackedInline, SensitiveFieldsMixin

from ..incident_services import incident_save
from ..incidents import AbuseForm, AbuseSetting, Incident


class ReferenceListAdmin(ScopedModelAdmin):
    """An editable reference list kept by the province office; rows are switched off, not deleted."""

    list_display = ["key", "name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["key", "name"]

    def _province_level(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.role == "province_officer"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._province_level(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._province_level(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

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
        self.fields["forms"].queryset = AbuseForm.objects.filter(is_active=True) | AbuseForm.objects.filter(
            pk__in=current_forms
        )
        current_setting = [self.instance.setting_id] if self.instance.setting_id else []
        self.fields["setting"].queryset = AbuseSetting.objects.filter(is_active=True) | AbuseSetting.objects.filter(
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
        incident_save(incident=form.instance, user=request.user, forms=form.cleaned_data.get("forms"))
