"""Cell parsers (imports/cells.py): the date-and-hour cell."""

import datetime as dt

import pytest
from django.utils import timezone

from imports import cells

MORNING = dt.datetime(2024, 4, 10, 8, 30)


@pytest.mark.parametrize(
    "value",
    ["10/04/2024 08:30", "10/4/2024 8:30", "10.04.2024 08:30:00", "2024-04-10 08:30", "2024-04-10T08:30", MORNING],
)
def test_a_date_and_hour_is_read_in_local_time(value):
    assert cells.parse_datetime(value) == timezone.make_aware(MORNING)


def test_an_offset_is_kept():
    assert cells.parse_datetime("2024-04-10T01:30:00+00:00") == dt.datetime(2024, 4, 10, 1, 30, tzinfo=dt.UTC)


def test_an_excel_date_cell_without_hour_is_midnight_and_empty_is_none():
    assert cells.parse_datetime(dt.date(2024, 4, 10)) == timezone.make_aware(dt.datetime(2024, 4, 10))
    assert cells.parse_datetime("  ") is None and cells.parse_datetime(None) is None


@pytest.mark.parametrize("value", ["10/04/2024", "2024-04-10", "31/02/2024 08:00", "10/04/2024 24:00", "8:30", "sáng"])
def test_a_text_without_a_valid_date_and_hour_is_refused(value):
    with pytest.raises(cells.CellError):
        cells.parse_datetime(value)
