"""Case deadlines (Decree 56/2017): 12 hours for an emergency, 5 working days for the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

EMERGENCY_HOURS = 12
PLAN_WORKING_DAYS = 5

# Fixed-date public holidays (Labour Code 2019, Art. 112). Lunar holidays (Tết, Hùng Kings)
# move every year; pass them as ``holidays``.
FIXED_HOLIDAYS = {(1, 1), (4, 30), (5, 1), (9, 2)}


def is_working_day(day: dt.date, holidays: Iterable[dt.date] = ()) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS and day not in set(holidays)


def add_working_days(start: dt.date, days: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """The date ``days`` working days after ``start`` (the start day itself does not count)."""
    extra = set(holidays)
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, extra):
            remaining -= 1
    return day


def intervention_due(reported_at: dt.datetime) -> dt.datetime:
    """An emergency case needs intervention within 12 hours of the report."""
    return reported_at + dt.timedelta(hours=EMERGENCY_HOURS)


def plan_due(assessed_on: dt.date, holidays: Iterable[dt.date] = ()) -> dt.date:
    """The plan is due within 5 working days of the detailed assessment."""
    return add_working_days(assessed_on, PLAN_WORKING_DAYS, holidays)
