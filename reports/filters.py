"""Filters of the filtered reports (docs/contract/reports.md): a period (year or date range), a unit in scope, and
the report's own dimensions. The unit choices come from ``ScopedFilterSet``: only units the user
may see; another unit is refused like a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, SurveyRecord
from locations.models import Unit
from locations.params import YearFilter
from outreach.models import OutreachEvent
from programs.models import ProtectionModel
from scope.api import ScopedFilterSet


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self) -> None:
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "DD/MM/YYYY", "size": 10})


class ReportFilterSet(ScopedFilterSet):
    """Period and unit; ``period()`` gives the period the tables are computed on.

    The period is the year, or the date range when both ends are given (dates DD/MM/YYYY).
    """

    year = YearFilter(label=_("Year"), method="filter_nothing")
    date_from = django_filters.DateFilter(label=_("From"), method="filter_nothing", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To"), method="filter_nothing", widget=DateInput())
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all(), method="filter_unit")

    def filter_nothing(self, queryset, name: str, value: Any):
        # The period is applied by each report through its own definition (open during, active on…).
        return queryset

    def filter_unit(self, queryset, name: str, value: Unit | None):
        return queryset.in_unit(value) if value else queryset

    def period(self) -> tuple[dt.date, dt.date]:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        if data.get("date_from") and data.get("date_to"):
            return data["date_from"], data["date_to"]
        year = int(data.get("year") or timezone.localdate().year)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)


class CaseReportFilter(ReportFilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), field_name="circumstances"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Case.Status.choices)

    class Meta:
        model = Case
        fields: list[str] = []


class ModelReportFilter(ReportFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProtectionModel.Kind.choices)

    class Meta:
        model = ProtectionModel
        fields: list[str] = []


class OutreachReportFilter(ReportFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OutreachEvent.Kind.choices)
    venue = django_filters.ChoiceFilter(label=_("Venue"), choices=OutreachEvent.Venue.choices)

    class Meta:
        model = OutreachEvent
        fields: list[str] = []


class SurveyReportFilter(ReportFilterSet):
    class Meta:
        model = SurveyRecord
        fields: list[str] = []
