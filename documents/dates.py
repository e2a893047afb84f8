"""Dates written the Vietnamese way on official documents: "ngày 25 tháng 3 năm 2014"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# What an officer fills in by hand where the record has no value.
DOTS = "." * 60
SHORT_DOTS = "." * 6


def vietnamese_date(on: dt.date | None) -> str:
    """``ngày 25 tháng 3 năm 2014``; dotted blanks for an unknown date.

    Administrative style writes days and months below 10 with a leading zero only for
    "ngày 01" … "ngày 09" and months 1 and 2 ("tháng 01", "tháng 02"), so that nobody
    can add a digit in front of them on paper.
    """
    if on is None:
        return f"ngày {SHORT_DOTS} tháng {SHORT_DOTS} năm {SHORT_DOTS}"
    day = f"{on.day:02d}" if on.day < 10 else str(on.day)
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"ngày {day} tháng {month} năm {on.year}"


def vietnamese_datetime(at: dt.datetime | None) -> str:
    """``08 giờ 30 phút, ngày 10 tháng 4 năm 2024`` in local time; dotted blanks when unknown."""
    if at is None:
        return f"{SHORT_DOTS} giờ {SHORT_DOTS} phút, {vietnamese_date(None)}"
    local = timezone.localtime(at) if timezone.is_aware(at) else at
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {vietnamese_date(local.date())}"


def place_and_date(place: str, on: dt.date | None) -> str:
    """``Kon Tum, ngày 25 tháng 3 năm 2014`` (the place dotted when unknown)."""
    return f"{place or SHORT_DOTS * 3}, {vietnamese_date(on)}"


def short_date(on: dt.date | None) -> str:
    """``25/03/2014`` inside tables and fields; dotted blanks when unknown."""
    return on.strftime("%d/%m/%Y") if on else f"{SHORT_DOTS}/{SHORT_DOTS}/{SHORT_DOTS}"
