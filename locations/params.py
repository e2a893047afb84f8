"""Bounds of the years and dates that filters, reports and admin views accept.

Records of the programme lie between 1990 and 2100; a year or date outside that range in
a query parameter is a located 400 error, never a date the database or ``datetime`` cannot
hold (``?year=99999``, ``?date=01/01/0001``). Every year filter is a ``YearFilter`` and the
scoped filter base bounds every date filter, so a new filter is bounded without remembering.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _

MIN_YEAR = 1990
MAX_YEAR = 2100
MIN_DATE = dt.date(MIN_YEAR, 1, 1)
MAX_DATE = dt.date(MAX_YEAR, 12, 31)


def year_validators() -> list[Any]:
    return [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


def date_validators() -> list[Any]:
    return [MinValueValidator(MIN_DATE), MaxValueValidator(MAX_DATE)]


def parse_year(raw: Any) -> int:
    """A year between ``MIN_YEAR`` and ``MAX_YEAR`` from text or a number; ``ValidationError`` otherwise."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        raise ValidationError(_("The year is required."), code="required")
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise ValidationError(
            _("“%(value)s” is not a valid year (%(min)s–%(max)s).")
            % {"value": text[:20], "min": MIN_YEAR, "max": MAX_YEAR},
            code="invalid",
        )
    return int(text)


def in_date_range(value: dt.date | None) -> bool:
    return value is None or MIN_DATE <= value <= MAX_DATE


class YearFilter(django_filters.NumberFilter):
    """A whole year between ``MIN_YEAR`` and ``MAX_YEAR``; the filter's value is an ``int``."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)
