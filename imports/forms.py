"""The upload form of the admin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import kind_choices


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=kind_choices)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
