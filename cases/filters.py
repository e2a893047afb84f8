"""API filters of children and cases (django-filter), scoped through ``ScopedFilterSet``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.utils import timezone

from locations.params import YearFilter
from scope.api import ScopedFilterSet
from scope.core import units_in_scope
from scope.unit_indexed import in_unit_listed, searches_one_unit

from .models import Case, Child, Incident
from .name_search import child_search


def with_category(queryset, field: str, code: str):
    """Rows with the category ``code`` through the many-to-many ``field``.

    A subquery of the link table instead of a join and DISTINCT: DISTINCT over every column
    makes PostgreSQL read and sort all the matches before it can count a thousand of them or
    show the first page.
    """
    relation = queryset.model._meta.get_field(field)
    owner, category = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    links = relation.remote_field.through._base_manager.filter(**{f"{category}__code": code})
    return queryset.filter(pk__in=links.values(f"{owner}_id"))


if TYPE_CHECKING:
    # Checked as the scoped filter set it is mixed into.
    _FilterSetBase = ScopedFilterSet
else:
    _FilterSetBase = object


class UnitCodeFilterMixin(_FilterSetBase):
    def filter_unit(self, queryset, name, value):
        """Rows at or below the unit with this code, among the units the user may see."""
        units = units_in_scope(self.request.user).filter(code=value.strip())
        unit = units.first()
        return in_unit_listed(queryset, unit) if unit else queryset.none()


class ChildFilter(UnitCodeFilterMixin, ScopedFilterSet):
    unit = django_filters.CharFilter(method="filter_unit", label="unit code")
    q = django_filters.CharFilter(method="filter_q", label="name (accents optional), personal ID or reference")
    category = django_filters.CharFilter(method="filter_category", label="special circumstances (code)")
    birth_year_min = YearFilter(field_name="birth_year", lookup_expr="gte")
    birth_year_max = YearFilter(field_name="birth_year", lookup_expr="lte")
    include_merged = django_filters.BooleanFilter(method="filter_merged")

    class Meta:
        model = Child
        fields = ["sex", "ethnicity", "in_school", "child_ref", "personal_id"]

    def filter_q(self, queryset, name, value):
        return child_search(queryset, value, one_unit=searches_one_unit(self.request))

    def filter_category(self, queryset, name, value):
        return with_category(queryset, "categories", value)

    def filter_queryset(self, queryset):
        # Merged records are hidden unless asked for, as in the admin; the method filter alone
        # would run only when the parameter is sent.
        if not self.form.cleaned_data.get("include_merged"):
            queryset = queryset.filter(merged_into__isnull=True)
        return super().filter_queryset(queryset)

    def filter_merged(self, queryset, name, value):
        """Applied in ``filter_queryset``, which also covers requests without the parameter."""
        return queryset


class CaseFilter(UnitCodeFilterMixin, ScopedFilterSet):
    unit = django_filters.CharFilter(method="filter_unit", label="unit code")
    # One column, no join: DISTINCT (the filter's default) would only sort every match.
    status = django_filters.MultipleChoiceFilter(choices=Case.Status.choices, distinct=False)
    outcome = django_filters.ChoiceFilter(choices=Case.Outcome.choices)
    category = django_filters.CharFilter(method="filter_category", label="circumstance (category code)")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    opened_after = django_filters.DateFilter(field_name="opened_on", lookup_expr="gte")
    opened_before = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte")
    open_during = YearFilter(method="filter_open_during", label="year")
    sex = django_filters.CharFilter(field_name="child__sex")
    ethnicity = django_filters.CharFilter(field_name="child__ethnicity")

    class Meta:
        model = Case
        fields = ["emergency", "case_ref", "child"]

    def filter_category(self, queryset, name, value):
        return with_category(queryset, "circumstances", value)

    def filter_overdue(self, queryset, name, value):
        overdue = Case.objects.overdue(now=timezone.now()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_open_during(self, queryset, name, value):
        return queryset.open_during(int(value))


class IncidentFilter(UnitCodeFilterMixin, ScopedFilterSet):
    unit = django_filters.CharFilter(method="filter_unit", label="unit code")
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", min_value=1990, max_value=2100)
    form = django_filters.CharFilter(field_name="forms__key", distinct=True, label="form of abuse (key)")
    setting = django_filters.CharFilter(field_name="setting__key", label="setting (key)")

    class Meta:
        model = Incident
        fields = ["case", "handling", "reported_to_police"]
