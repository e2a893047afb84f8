"""Report files: text is never run as a formula, the months' total row is labelled."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.exports import table_csv, tables_xlsx
from reports.tables import Column, Table

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.org","Kon Tum")'


def url(**params):
    from urllib.parse import urlencode

    return reverse("admin:reports_report_changelist") + "?" + urlencode(params)


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_unit_name_like_a_formula_is_exported_as_text(world, cast, client_for, units):
    units.kontum_city.name = FORMULA
    units.kontum_city.save(update_fields=["name"])
    client = client_for(cast.manager)

    rows = csv_rows(client.get(url(unit="62", year="2024", format="csv", table="breakdown")).content)
    city = next(row for row in rows if row[0] == "608")
    assert city[1] == "'" + FORMULA
    assert city[2] == "21"  # numbers stay numbers

    workbook = load_workbook(io.BytesIO(client.get(url(unit="62", year="2024", format="xlsx")).content))
    breakdown = workbook[workbook.sheetnames[1]]
    city_row = next(row for row in breakdown.iter_rows() if row[0].value == "608")
    assert (city_row[1].value, city_row[1].data_type) == (FORMULA, "s")
    assert city_row[2].value == 21


def test_tables_escape_text_cells_only():
    table = Table(
        name="t",
        title="T",
        columns=[Column("value", "=Label", "text"), Column("n", "N")],
        rows=[{"value": "@SUM(A1)", "n": -3}, {"value": "-", "n": 1.5}],
    )
    assert csv_rows(table_csv(table)) == [["value", "n"], ["'@SUM(A1)", "-3"], ["'-", "1.5"]]
    sheet = load_workbook(io.BytesIO(tables_xlsx([table], heading=["=agency"]))).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    for text in ("=agency", "=Label", "@SUM(A1)", "-"):
        assert cells[text].data_type == "s"
    assert cells[-3].data_type == "n"


def test_months_total_row_is_labelled_in_every_format(world, cast, client_for):
    client = client_for(cast.manager)
    rows = csv_rows(client.get(url(unit="62", year="2024", format="csv", table="months")).content)
    assert rows[-1] == ["Tổng cộng", "3", "180", "1.0"]
    workbook = load_workbook(io.BytesIO(client.get(url(unit="62", year="2024", format="xlsx")).content))
    months = workbook[workbook.sheetnames[2]]
    assert [c.value for c in list(months.iter_rows())[-1]] == ["Tổng cộng", 3, 180, 1.0]
    page = client.get(url(unit="62", year="2024")).content.decode()
    assert '<tr class="total"><td class="num">Tổng cộng</td><td class="num">3</td>' in page
