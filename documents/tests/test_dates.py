"""Dates on official documents are written the Vietnamese administrative way."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from documents.dates import place_and_date, short_date, vietnamese_date, vietnamese_datetime


def test_a_date_in_words():
    assert vietnamese_date(dt.date(2014, 3, 25)) == "ngày 25 tháng 3 năm 2014"


def test_days_below_ten_and_months_one_and_two_take_a_leading_zero():
    assert vietnamese_date(dt.date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert vietnamese_date(dt.date(2024, 2, 10)) == "ngày 10 tháng 02 năm 2024"
    assert vietnamese_date(dt.date(2024, 12, 9)) == "ngày 09 tháng 12 năm 2024"


def test_an_unknown_date_is_left_to_fill_by_hand():
    assert vietnamese_date(None) == "ngày ...... tháng ...... năm ......"
    assert place_and_date("Kon Tum", None).startswith("Kon Tum, ngày ......")
    assert short_date(None) == "....../....../......"
    assert place_and_date("Kon Tum", dt.date(2024, 3, 25)) == "Kon Tum, ngày 25 tháng 3 năm 2024"


def test_vietnamese_datetime_is_local_with_hour_and_minute():
    at = timezone.make_aware(dt.datetime(2024, 4, 10, 1, 30), dt.UTC)  # 08:30 in Vietnam
    with timezone.override("Asia/Ho_Chi_Minh"):
        assert vietnamese_datetime(at) == "08 giờ 30 phút, ngày 10 tháng 4 năm 2024"
    assert vietnamese_datetime(None).startswith("...... giờ ...... phút, ngày ......")
