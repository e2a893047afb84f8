"""API filters of outreach events (django-filter, scoped)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from locations.params import YearFilter
from programs.models import ProtectionModel
from scope.api import ScopedFilterSet
from scope.filters import UnitCodeFilter

from .models import OutreachEvent


class OutreachEventFilter(ScopedFilterSet):
    unit = UnitCodeFilter(label=_("unit code (at or below)"))
    kind = django_filters.MultipleChoiceFilter(choices=OutreachEvent.Kind.choices)
    venue = django_filters.MultipleChoiceFilter(choices=OutreachEvent.Venue.choices)
    year = YearFilter(method="filter_year", label=_("year"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    model = django_filters.ModelChoiceFilter(queryset=ProtectionModel.objects.all(), label=_("protection model"))
    model_code = django_filters.CharFilter(field_name="model__code")
    event_ref = django_filters.CharFilter(field_name="event_ref")
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = OutreachEvent
        fields = ["kind", "venue", "event_ref"]

    def filter_year(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.in_year(int(value))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(topic__icontains=value) | Q(organiser__icontains=value))
