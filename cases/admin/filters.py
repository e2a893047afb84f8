"""List filters of the children and cases admin; every choice comes from the user's scope."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..ethnicity import ETHNICITY_CHOICES
from ..filters import with_category
from ..identifiers import awaiting_review_q, is_reviewer
from ..models import Category


class CategoryFilter(admin.SimpleListFilter):
    title = _("special circumstances")
    parameter_name = "category"
    # The many-to-many field to the categories.
    field = "categories"

    def lookups(self, request, model_admin):
        return [(c.code, str(c)) for c in Category.objects.all()]

    def queryset(self, request, queryset):
        code = self.value()
        return with_category(queryset, self.field, code) if code else queryset


class CaseCategoryFilter(CategoryFilter):
    field = "circumstances"


class EthnicityFilter(admin.SimpleListFilter):
    title = _("ethnicity")
    parameter_name = "ethnicity"
    path = "ethnicity"

    def lookups(self, request, model_admin):
        return ETHNICITY_CHOICES

    def queryset(self, request, queryset):
        return queryset.filter(**{self.path: self.value()}) if self.value() else queryset


class CaseEthnicityFilter(EthnicityFilter):
    path = "child__ethnicity"


class SexFilter(admin.SimpleListFilter):
    title = _("sex")
    parameter_name = "sex"
    path = "sex"

    def lookups(self, request, model_admin):
        return [("M", _("Male")), ("F", _("Female"))]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.path: self.value()}) if self.value() else queryset


class CaseSexFilter(SexFilter):
    path = "child__sex"


# Age groups of the reports: label, lowest age, highest age (inclusive).
AGE_GROUPS = [
    ("0-5", _("0–5 years"), 0, 5),
    ("6-10", _("6–10 years"), 6, 10),
    ("11-15", _("11–15 years"), 11, 15),
    ("16+", _("16 and over"), 16, 200),
]


class AgeGroupFilter(admin.SimpleListFilter):
    """Age this year from the year of birth (one indexed comparison, no date arithmetic in SQL)."""

    title = _("age group")
    parameter_name = "age"
    path = "birth_year"

    def lookups(self, request, model_admin):
        return [(key, label) for key, label, _lo, _hi in AGE_GROUPS]

    def queryset(self, request, queryset):
        for key, _label, low, high in AGE_GROUPS:
            if self.value() == key:
                year = timezone.localdate().year
                return queryset.filter(**{f"{self.path}__gte": year - high, f"{self.path}__lte": year - low})
        return queryset


class CaseAgeGroupFilter(AgeGroupFilter):
    path = "child__birth_year"


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("On time"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.overdue(now=now)
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.model.objects.overdue(now=now).values("pk"))
        return queryset


class MergedFilter(admin.SimpleListFilter):
    """Merged records are hidden unless asked for: they live on only as a trace."""

    title = _("merged records")
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("all", _("Include merged records")), ("only", _("Only merged records"))]

    def choices(self, changelist):
        for lookup, title in [(None, _("Hide merged records")), *self.lookup_choices]:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}, [])
                if lookup
                else changelist.get_query_string(remove=[self.parameter_name]),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        if self.value() == "only":
            return queryset.filter(merged_into__isnull=False)
        return queryset.filter(merged_into__isnull=True)


class AwaitingReviewFilter(admin.SimpleListFilter):
    """Children holding a personal ID or reference that awaits a province duplicate review."""

    title = _("duplicate review")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        if not is_reviewer(request.user):
            return []
        return [("yes", _("Awaiting duplicate review"))]

    def queryset(self, request, queryset):
        if self.value() == "yes" and is_reviewer(request.user):
            return queryset.filter(awaiting_review_q())
        return queryset
