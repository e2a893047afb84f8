"""Reads of outreach events that depend on the user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import OutreachEvent


def event_list(*, user: Any) -> QuerySet[OutreachEvent]:
    """Outreach events visible to ``user``, with unit and protection model loaded."""
    return OutreachEvent.objects.visible_to(user).select_related("unit", "model")


def event_totals(*, user: Any, year: int | None = None) -> dict[str, int]:
    """Events and participants (person-times) visible to ``user``, optionally in one year."""
    queryset = OutreachEvent.objects.visible_to(user)
    if year is not None:
        queryset = queryset.in_year(year)
    return queryset.totals()
