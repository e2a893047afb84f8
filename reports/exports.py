"""Reports as files: XLSX (one sheet per table, real numbers), CSV (one table), JSON.

Text cells are never run as formulas (a unit named "=…"), as in ``imports.files``: stored as
text in XLSX, escaped by ``imports.files.csv_bytes`` in CSV.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from imports.files import CSV_TYPE, XLSX_TYPE, csv_bytes

from .tables import Table

NUMBER_FORMATS = {"int": "#,##0", "decimal": "0.00", "percent": "0.0%"}


def tables_xlsx(tables: list[Table], *, heading: list[str]) -> bytes:
    """A workbook with one sheet per table; ``heading`` lines (agency, title) above each table."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(str(table.title)))
        for line in heading:
            sheet.append([line])
        sheet.append([])
        sheet.append([str(c.label) for c in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        rows = list(table.rows) + ([table.total] if table.total is not None else [])
        for row in rows:
            sheet.append([_cell_value(row.get(c.key)) for c in table.columns])
            for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
                number_format = NUMBER_FORMATS.get(column.kind_for(row))
                if number_format and isinstance(cell.value, int | float):
                    cell.number_format = number_format
        if table.total is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        _store_text_as_text(sheet)
        for index, column in enumerate(table.columns, start=1):
            width = 40 if column.kind == "text" else 14
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _store_text_as_text(sheet: Any) -> None:
    # openpyxl turns a string starting with "=" into a formula; ``imports.files.xlsx_bytes`` keeps text.
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def _sheet_title(title: str) -> str:
    # Excel forbids these characters in sheet names and cuts at 31.
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def table_csv(table: Table) -> bytes:
    """One table as CSV with a header of column keys (stable for scripts); numbers unformatted.

    UTF-8 with a byte-order mark, so that Excel reads Vietnamese correctly.
    """
    rows = [*table.rows, *([table.total] if table.total is not None else [])]
    values = (["" if row.get(c.key) is None else row.get(c.key) for c in table.columns] for row in rows)
    return csv_bytes([[c.key for c in table.columns], *values])


def as_json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def download(content: str | bytes, *, filename: str, fmt: str) -> HttpResponse:
    """An attachment response."""
    types = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE, "json": "application/json; charset=utf-8"}
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.{fmt}"'
    return response
