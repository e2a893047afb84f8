"""Admin forms: optimistic locking, confirmable warnings, the workflow step and the case forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from scope.admin import add_validation_error

from ..case_forms import FORM_SECTIONS
from ..identifiers import identifiers_check, identifiers_hold, identifiers_show
from ..models import Case, CaseForm
from ..services import STALE_MESSAGE, Warnings, child_check


class VersionedForm(forms.ModelForm):
    """Carries the version the user opened; a save after someone else's is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is not None:
            stored = type(self.instance)._base_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
            expected = cleaned.get("expected_version")
            if expected is None or stored.first() != expected:
                raise ValidationError(STALE_MESSAGE, code="stale")
        return cleaned


class ChildAdminForm(VersionedForm):
    accept_warnings = forms.BooleanField(
        label=_("Save despite the warnings"),
        required=False,
        help_text=_("Tick after checking the personal ID against the birth certificate."),
    )

    # Set by ``ChildAdmin.get_form``: who saves decides whether a taken value is held.
    user = None

    def __init__(self, *args, **kwargs):
        if kwargs.get("instance") is not None:
            # A held value shows as entered (cases/identifiers.py).
            identifiers_show(kwargs["instance"])
        super().__init__(*args, **kwargs)
        if "birth_year" in self.fields:
            # Taken from the date of birth when there is one.
            self.fields["birth_year"].required = False

    def clean(self):
        cleaned = super().clean()
        born = cleaned.get("date_of_birth")
        if born and not cleaned.get("birth_year_only"):
            cleaned["birth_year"] = born.year
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]  # Django's step once the instance is built; not in the stubs
        try:
            child_check(
                self.instance,
                new=self.instance.pk is None,
                accept_warnings=bool(self.cleaned_data.get("accept_warnings")),
            )
        except Warnings as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field, _("Warning: %(message)s") % {"message": message})
        except ValidationError as exc:
            add_validation_error(self, exc)

    def validate_unique(self):
        # A value taken out of the user's scope is held before the unique check, so the form
        # answers as if it were free; a visible holder keeps the "already exists" error.
        identifiers_hold(child=self.instance, user=self.user)
        try:
            identifiers_check(self.instance)
        except ValidationError as exc:
            add_validation_error(self, exc)
        super().validate_unique()


class CaseAdminForm(VersionedForm):
    class Meta:
        model = Case
        exclude: list[str] = []


class TransitionForm(forms.Form):
    """One workflow step; the fields that do not apply to the target status are ignored."""

    on = forms.DateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------"), *Case.Outcome.choices], required=False)
    decision_no = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_on = forms.DateField(label=_("Decision date"), required=False)
    approved_by = forms.CharField(label=_("Approved by (commune chairman)"), max_length=150, required=False)
    document = forms.FileField(label=_("Decision document"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, to_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        if to_status != Case.Status.CLOSED:
            del self.fields["outcome"]
        else:
            self.fields["outcome"].required = True
        if to_status != Case.Status.PLAN_APPROVED:
            for name in ("decision_no", "decision_on", "approved_by", "document"):
                del self.fields[name]
        else:
            self.fields["decision_no"].required = True
            self.fields["decision_on"].required = True


class _CaseFormAdminForm(forms.ModelForm):
    """One text box per section of the chosen form instead of raw JSON."""

    class Meta:
        model = CaseForm
        fields = ["case", "form", "filled_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sections = self.instance.sections or {}
        for code, items in FORM_SECTIONS.items():
            for key, _label in items:
                if self.instance.form == code:
                    self.fields[section_field(code, key)].initial = sections.get(key, "")

    def _post_clean(self):
        code = self.cleaned_data.get("form")
        if code in FORM_SECTIONS:
            self.instance.sections = {
                key: self.cleaned_data[section_field(code, key)]
                for key, _label in FORM_SECTIONS[code]
                if self.cleaned_data.get(section_field(code, key))
            }
        super()._post_clean()  # type: ignore[misc]  # Django's step once the instance is built; not in the stubs


def section_field(code: str, key: str) -> str:
    return f"s{code}_{key}"


# The section boxes are declared fields, so the admin's form factory knows them.
CaseFormAdminForm = type(
    "CaseFormAdminForm",
    (_CaseFormAdminForm,),
    {
        section_field(code, key): forms.CharField(
            label=format_lazy("{} · {}", code, label), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        for code, items in FORM_SECTIONS.items()
        for key, label in items
    },
)
