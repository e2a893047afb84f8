import django_filters

from scope.api import ScopedFilterSet

from .models import Unit
from .text import fold


class UnitFilter(ScopedFilterSet):
    level = django_filters.ChoiceFilter(choices=Unit.Level.choices)
    edition = django_filters.ChoiceFilter(choices=Unit.Edition.choices)
    parent = django_filters.CharFilter(method="filter_parent", label="parent code or id")
    code = django_filters.CharFilter(field_name="code")
    name = django_filters.CharFilter(method="filter_name")
    valid_on = django_filters.DateFilter(method="filter_valid_on")

    class Meta:
        model = Unit
        fields = ["level", "edition", "code"]

    def filter_parent(self, queryset, name, value):
        value = value.strip()
        if value.isdigit() and len(value) in (2, 3, 5):
            return queryset.filter(parent__code=value)
        return queryset.filter(parent_id=value) if value.isdigit() else queryset.none()

    def filter_name(self, queryset, name, value):
        return queryset.filter(name_folded__contains=fold(value))

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(pk__in=Unit.objects.valid_on(value).values("pk"))
