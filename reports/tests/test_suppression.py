"""Small counts are hidden from viewers in the filtered reports, and cannot be recomputed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from cases.tests.factories import CaseFactory, ChildFactory
from reports.suppression import suppress_small_cells
from reports.tables import Column, Table


def _table(values: list[int]) -> Table:
    rows = [{"value": str(i), "n": v} for i, v in enumerate(values)]
    return Table(name="t", title="t", columns=[Column("value", "v", "text"), Column("n", "n")], rows=rows,
                 total={"value": "Total", "n": sum(values)})  # fmt: skip


def test_a_lone_small_cell_hides_a_second_one_so_the_total_does_not_give_it_back():
    table = _table([1, 20, 7, 0])
    assert suppress_small_cells(table, 5)
    assert [r["n"] for r in table.rows] == ["<5", 20, "<5", 0]
    assert table.total["n"] == 28


def test_a_lone_small_cell_with_nothing_else_hides_the_total():
    table = _table([3, 0])
    suppress_small_cells(table, 5)
    assert table.rows[0]["n"] == "<5" and table.total["n"] == "<5"


def test_no_suppression_at_zero_or_without_small_cells():
    table = _table([1, 2])
    assert not suppress_small_cells(table, 0) and table.rows[0]["n"] == 1
    assert not suppress_small_cells(_table([6, 9]), 5)


@pytest.fixture
def one_case(units):
    child = ChildFactory(commune=units.quang_trung, sex="F", birth_year=2015)
    return CaseFactory(child=child, commune=units.quang_trung, opened_on=dt.date(2024, 3, 1))


def _cells(report_json: list) -> list:
    return [row.get("children") for table in report_json for row in [*table["rows"], table["total"] or {}]]


def test_a_viewer_sees_small_counts_hidden_in_the_page_and_every_download(cast, client_for, one_case):
    url = reverse("admin:reports_report_filtered", args=["cases"]) + "?year=2024"
    client = client_for(cast.viewer)
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="report-suppressed"' in page.content.decode()
    data = json.loads(client.get(url + "&format=json").content)
    assert 1 not in _cells(data) and "<5" in _cells(data)
    csv_text = client.get(url + "&format=csv&table=sex").content.decode("utf-8-sig")
    assert "<5" in csv_text and ",1," not in csv_text
    assert client.get(url + "&format=xlsx").status_code == 200


def test_an_officer_and_a_setting_of_zero_see_every_count(cast, client_for, one_case, settings):
    url = reverse("admin:reports_report_filtered", args=["cases"]) + "?year=2024&format=json"
    assert 1 in _cells(json.loads(client_for(cast.province).get(url).content))
    settings.REPORT_MIN_CELL = 0
    assert 1 in _cells(json.loads(client_for(cast.viewer).get(url).content))
