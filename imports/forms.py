"""The upload form of the admin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=Kind.choices)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
