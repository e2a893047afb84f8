"""The consent records on the child's page: recorded and withdrawn there, saved by the consent service.

A consent is withdrawn by filling in ``withdrawn on``; a row ticked "delete" is archived
(``Archivable``), so a mistaken row leaves the list without leaving the database. Collaborators
may record consent at intake (on the add page of the child they report), not change it later.
The child's admin saves the rows through ``consent_save`` (``ChildAdmin.save_inline_service``).
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from scope.admin import ScopedTabularInline, add_validation_error

from ..consent import OPEN_CONSENT_TAKEN, Consent, open_consent_taken
from ..consent_services import consent_check_open


class ConsentInlineForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["party", "purpose", "given_on", "withdrawn_on", "document", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 1})}

    def _post_clean(self) -> None:
        # Sets the instance's fields and runs ``Consent.clean``; Django's step, absent from the stubs.
        super()._post_clean()  # type: ignore[misc]
        if self.has_changed() and not self.errors:
            # The rule that needs the child's other consents, as a form error rather than a failed save.
            try:
                consent_check_open(self.instance)
            except ValidationError as exc:
                add_validation_error(self, exc)


class ConsentFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """Two open rows of one party and purpose in the same submission are refused like one stored."""
        super().clean()
        kept: list[Consent] = []
        for form in self.forms:
            if not form.is_valid() or form in self.deleted_forms or not form.cleaned_data:
                continue
            consent = cast(Consent, form.instance)
            if open_consent_taken(consent, kept):
                form.add_error("purpose", OPEN_CONSENT_TAKEN)
            kept.append(consent)


class ConsentInline(ScopedTabularInline):
    model = Consent
    form = ConsentInlineForm
    formset = ConsentFormSet
    fields = ["party", "purpose", "given_on", "withdrawn_on", "document", "notes", "recorded_by"]
    readonly_fields = ["recorded_by"]
    list_select_related = ("recorded_by",)
    extra = 0
