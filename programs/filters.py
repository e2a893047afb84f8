"""API filters of protection models and attendance (django-filter, scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from locations.params import YearFilter
from scope.api import ScopedFilterSet
from scope.filters import UnitCodeFilter

from .models import Attendance, ProtectionModel


class ActiveDuringYearFilter(YearFilter):
    """Models active at some time during the year."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in (None, ""):
            return qs
        year = int(value)
        return qs.active_during(dt.date(year, 1, 1), dt.date(year, 12, 31))


class ProtectionModelFilter(ScopedFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ProtectionModel.Kind.choices)
    unit = UnitCodeFilter(label=_("unit code (at or below)"))
    status = django_filters.ChoiceFilter(
        choices=ProtectionModel.Status.choices, method="filter_status", label=_("status today")
    )
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("active on"))
    year = ActiveDuringYearFilter(label=_("active during the year"))
    established_year = YearFilter(field_name="established_on", lookup_expr="year")
    code = django_filters.CharFilter(field_name="code")
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = ProtectionModel
        fields = ["kind", "code"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.with_status(value, timezone.localdate())

    def filter_active_on(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.active_on(value)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(host__icontains=value))


class AttendanceFilter(ScopedFilterSet):
    model = django_filters.ModelChoiceFilter(
        field_name="enrolment__model", queryset=ProtectionModel.objects.all(), label=_("day-care model")
    )
    model_code = django_filters.CharFilter(field_name="enrolment__model__code")
    enrolment = django_filters.NumberFilter(field_name="enrolment_id")
    child_ref = django_filters.CharFilter(field_name="enrolment__child_ref")
    date = django_filters.DateFilter(field_name="date")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    year = YearFilter(field_name="date", lookup_expr="year")
    present = django_filters.BooleanFilter()

    class Meta:
        model = Attendance
        fields = ["present"]
