"""Filters of ``GET /api/v1/access-log/``: child, case, user, action, since, until."""

import django_filters

from scope.api import ScopedFilterSet

from .models import AccessEvent


class AccessEventFilter(ScopedFilterSet):
    child = django_filters.NumberFilter(field_name="child_id", min_value=1)
    case = django_filters.NumberFilter(field_name="case_id", min_value=1)
    user = django_filters.CharFilter(field_name="username", help_text="username")
    action = django_filters.ChoiceFilter(choices=AccessEvent.Action.choices)
    outcome = django_filters.ChoiceFilter(choices=AccessEvent.Outcome.choices)
    # A date (YYYY-MM-DD) or a date and time (ISO 8601); ``until`` includes that moment.
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lte")

    class Meta:
        model = AccessEvent
        fields = ["child", "case", "user", "action", "outcome", "since", "until"]
