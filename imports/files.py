"""Files the users download: templates, exports and error reports (CSV or XLSX).

Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) are written so
that they are never evaluated: as text cells in XLSX, behind an apostrophe in CSV (which
the import strips again, so an export re-imports unchanged).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from locations.models import Unit
from scope.core import units_in_scope

from .registry import get_spec

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_csv(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def csv_bytes(rows: Iterable[list[Any]]) -> bytes:
    """UTF-8 with BOM (Excel opens it with the right accents), formulas escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([escape_csv(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: list[tuple[str, Iterable[list[Any]]]]) -> bytes:
    """A workbook with one sheet per ``(title, rows)``; strings always stored as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_rows(kind: str) -> list[list[Any]]:
    spec = get_spec(kind)
    return [[c.label for c in spec.columns], [c.example for c in spec.columns]]


def allowed_codes_rows(kind: str, user: Any) -> Iterator[list[Any]]:
    """The sheet of allowed codes: each coded column's values, then the user's units."""
    spec = get_spec(kind)
    labels = {c.key: c.label for c in spec.columns}
    yield [_("Column"), _("Code"), _("Meaning")]
    for key, pairs in spec.allowed_codes():
        for code, name in pairs:
            yield [f"{labels.get(key, key)} ({key})", code, str(name)]
    units = units_in_scope(user).order_by("edition", "level", "code")
    for unit in units.only("code", "name", "level", "edition", "valid_from", "valid_to"):
        validity = " – ".join(d.strftime("%d/%m/%Y") if d else "…" for d in (unit.valid_from, unit.valid_to))
        yield [_("Unit code"), unit.code, f"{unit.name} ({Unit.Level(unit.level).label}, {validity})"]


def template_file(kind: str, fmt: str, user: Any) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the template of ``kind``."""
    rows = template_rows(kind)
    if fmt == "xlsx":
        content = xlsx_bytes([(_("Data"), rows), (_("Allowed codes"), allowed_codes_rows(kind, user))])
        return content, XLSX_TYPE, f"mau_{kind}.xlsx"
    return csv_bytes(rows), CSV_TYPE, f"mau_{kind}.csv"


def export_file(resource: Any, fmt: str, name: str, queryset: Any = None) -> tuple[bytes, str, str]:
    """Export ``resource`` (a ``KindResource`` bound to a user) as CSV or XLSX."""
    dataset = resource.export(queryset)
    rows = [list(dataset.headers), *[list(r) for r in dataset]]
    if fmt == "xlsx":
        return xlsx_bytes([(name, rows)]), XLSX_TYPE, f"{name}.xlsx"
    return csv_bytes(rows), CSV_TYPE, f"{name}.csv"


def errors_csv(errors: list[dict[str, Any]]) -> bytes:
    """The error report: row number, column, value, reason (in the user's language)."""
    header = [_("Row"), _("Column"), _("Value"), _("Reason")]
    return csv_bytes([header, *([e["row"], e["column"], e["value"], e["reason"]] for e in errors)])
