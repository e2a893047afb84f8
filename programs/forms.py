"""Forms of the daily register page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from locations.params import date_validators


class RegisterDayForm(forms.Form):
    """Which day the register shows (DD/MM/YYYY)."""

    date = forms.DateField(label=_("date"), validators=date_validators())


class RegisterLineForm(forms.Form):
    """One enrolled child on the register."""

    enrolment_id = forms.IntegerField(widget=forms.HiddenInput)
    present = forms.BooleanField(label=_("present"), required=False)
    services = forms.CharField(label=_("services given"), max_length=255, required=False)


RegisterFormSet = forms.formset_factory(RegisterLineForm, extra=0, max_num=1000, absolute_max=1000)
