"""The narrative states the figures in Vietnamese with Vietnamese number formatting."""

from __future__ import annotations

import pytest
from django.utils import translation

from reports.area import resolve_area
from reports.narrative import annual_narrative
from reports.numbers import format_decimal, format_number, format_percent
from reports.summary import annual_summary


def test_vietnamese_number_formatting():
    with translation.override("vi"):
        assert format_number(16500) == "16.500"
        assert format_number(1234567) == "1.234.567"
        assert format_percent(0.378) == "37,8%"
        assert format_decimal(1.5) == "1,5"
        assert format_decimal(2.0) == "2"
        assert format_percent(None) == "–"
    with translation.override("en"):
        assert format_number(16500) == "16,500"
        assert format_percent(0.378) == "37.8%"


@pytest.mark.django_db
def test_narrative_states_the_figures(world, cast):
    summary = annual_summary(user=cast.manager, area=resolve_area(user=cast.manager, unit_code="62", year=2024))
    with translation.override("vi"):
        text = annual_narrative(summary)
    assert "Năm 2024, Tỉnh Kon Tum" in text
    assert "nâng lên 3 mô hình" in text
    assert "3/102 xã, phường, thị trấn" in text
    assert "2/10 huyện, thành phố" in text
    assert "quản lý trường hợp 6 em" in text
    assert "33,3%" in text
    assert "180 lượt người" in text
    assert "bình quân 1 trẻ" in text


@pytest.mark.django_db
def test_narrative_without_districts_or_cases(world, cast):
    summary = annual_summary(
        user=cast.current_province, area=resolve_area(user=cast.current_province, unit_code="51", year=2010)
    )
    with translation.override("vi"):
        text = annual_narrative(summary)
    assert "huyện" not in text
    assert "Không có trẻ em nào được quản lý trường hợp" in text
