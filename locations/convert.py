"""Add the current (post-2025) unit codes beside the legacy ones in an import file.

Officers keep old templates filled with legacy commune codes. ``convert_file`` finds the
unit column of any of the six import kinds (``commune_code`` / ``unit_code`` or their
Vietnamese labels), resolves each code on the row's date, and inserts two columns right
after it: the current code and a note (the current unit's name; for a split commune the
other successors, to be checked). Every other cell, the encoding, the delimiter and, in a
workbook, the formatting are kept. A file without a unit column (attendance) is copied.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .models import Unit
from .resolve import level_for_code, normalise_code
from .succession import successor_table
from .text import fold

# Header (key or Vietnamese template label) -> the level its codes have (None: any level).
UNIT_COLUMNS: dict[str, str | None] = {
    "commune_code": Unit.Level.COMMUNE,
    "ma xa": Unit.Level.COMMUNE,
    "unit_code": None,
    "ma don vi": None,
}
# The row's date decides which structure a code belongs to; a year stands for its 1 January.
DATE_COLUMNS = [
    "date",
    "ngay",
    "opened_on",
    "ngay mo ho so",
    "established_on",
    "ngay thanh lap",
    "survey_year",
    "nam dieu tra",
]
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


class UnusableInput(ValueError):
    """The file cannot be read or written; ``str()`` says why."""


@dataclass
class ConversionReport:
    rows: int = 0
    converted: int = 0
    already_current: int = 0
    split: int = 0
    unknown: list[str] = field(default_factory=list)
    column: str | None = None

    def __str__(self) -> str:
        if self.column is None:
            return _("No unit column (commune_code or unit_code) in this file: copied unchanged.")
        return _(
            "%(rows)d rows: %(converted)d legacy codes converted, %(current)d already current, "
            "%(split)d split communes to check, %(unknown)d unknown codes."
        ) % {
            "rows": self.rows,
            "converted": self.converted,
            "current": self.already_current,
            "split": self.split,
            "unknown": len(self.unknown),
        }


def _key(header: Any) -> str:
    return fold(str(header or "")).replace("*", "").strip()


def _row_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value or "").strip()
    if raw.endswith(".0"):
        raw = raw[:-2]
    try:
        if raw.isdigit() and len(raw) == 4:
            return dt.date(int(raw), 1, 1)
        if match := _DMY.match(raw):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _ISO.match(raw):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


class Converter:
    """Resolves the codes of a whole file with a fixed number of queries."""

    def __init__(self, codes: Iterable[str]) -> None:
        self._units: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for unit in Unit.objects.filter(code__in=set(codes)):
            self._units[(unit.level, unit.code)].append(unit)
        legacy_ids = [u.pk for units in self._units.values() for u in units if u.edition == Unit.Edition.LEGACY]
        self._successors = successor_table(legacy_ids)
        self._by_pk = Unit.objects.in_bulk({pk for ids in self._successors.values() for pk in ids})

    def convert(self, raw: Any, level: str | None, on: dt.date | None, report: ConversionReport) -> tuple[str, str]:
        """The current code and a note for one cell."""
        code = normalise_code(raw, level)
        if not code:
            return "", ""
        level = level or level_for_code(code)
        candidates = self._units.get((level, code), []) if level else []
        current = [u for u in candidates if u.edition == Unit.Edition.CURRENT]
        legacy = [u for u in candidates if u.edition == Unit.Edition.LEGACY]
        if current and (not legacy or (on is not None and current[0].is_valid_on(on))):
            report.already_current += 1
            return current[0].code, current[0].name
        if not legacy:
            report.unknown.append(code)
            return "", _("Unknown unit code %(code)s.") % {"code": code}
        successors = [self._by_pk[pk] for pk in self._successors.get(legacy[0].pk, []) if pk in self._by_pk]
        if not successors:
            report.unknown.append(code)
            return "", _("%(unit)s: its current unit is not loaded.") % {"unit": legacy[0]}
        report.converted += 1
        if len(successors) == 1:
            return successors[0].code, successors[0].name
        report.split += 1
        others = ", ".join(str(u) for u in successors[1:])
        return successors[0].code, _("%(name)s (split; also %(others)s: check)") % {
            "name": successors[0].name,
            "others": others,
        }


def _columns(header: list[Any]) -> tuple[int | None, str | None, int | None]:
    keys = [_key(h) for h in header]
    unit_index = next((i for i, k in enumerate(keys) if k in UNIT_COLUMNS), None)
    level = UNIT_COLUMNS[keys[unit_index]] if unit_index is not None else None
    date_index = next((keys.index(k) for k in DATE_COLUMNS if k in keys), None)
    return unit_index, level, date_index


def _added_headers(header: str) -> list[str]:
    """``commune_code`` -> ``current_commune_code``, ``current_commune_note``; labels alike."""
    if _key(header) in {"commune_code", "unit_code"}:
        stem = header.strip().removesuffix("_code")
        return [f"current_{stem}_code", f"current_{stem}_note"]
    return [_("%(column)s (current)") % {"column": header.strip()}, _("Note on the current unit")]


def convert_file(source: Path, output: Path) -> ConversionReport:
    """Write ``output``: ``source`` with the current codes added. Same format as the source."""
    with open(source, "rb") as handle:
        head = handle.read(4)
    is_xlsx = head.startswith(b"PK\x03\x04")
    if is_xlsx != (output.suffix.lower() in {".xlsx", ".xlsm"}):
        raise UnusableInput(_("The output file must have the same format as the input (CSV or XLSX)."))
    return _convert_xlsx(source, output) if is_xlsx else _convert_csv(source, output)


# --- CSV --------------------------------------------------------------------------------


def _detect_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1258"


def _cp1258_text(text: str) -> str:
    """Spell ``text`` so Windows-1258 can encode it: base letter plus a combining tone mark."""
    out = []
    for char in text:
        try:
            char.encode("cp1258")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = [c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323"]
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out.append(base + "".join(tones))
    return "".join(out)


def _convert_csv(source: Path, output: Path) -> ConversionReport:
    data = source.read_bytes()
    encoding = _detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnusableInput(_("The file's text encoding cannot be read.")) from exc
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    newline = "\r\n" if "\r\n" in text[: len(first_line) + 2] else "\n"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    report = ConversionReport()
    if rows:
        rows = _convert_rows(rows, report)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    result = buffer.getvalue()
    if encoding == "cp1258":
        result = _cp1258_text(result)
    output.write_bytes(result.encode(encoding))
    return report


def _convert_rows(rows: list[list[str]], report: ConversionReport) -> list[list[str]]:
    header = rows[0]
    unit_index, level, date_index = _columns(header)
    if unit_index is None:
        return rows
    report.column = header[unit_index]
    converter = Converter(normalise_code(r[unit_index], level) for r in rows[1:] if len(r) > unit_index)
    result = [[*header[: unit_index + 1], *_added_headers(header[unit_index]), *header[unit_index + 1 :]]]
    for row in rows[1:]:
        if not any(cell.strip() for cell in row):
            result.append(row)
            continue
        report.rows += 1
        cell = row[unit_index] if len(row) > unit_index else ""
        on = _row_date(row[date_index]) if date_index is not None and len(row) > date_index else None
        code, note = converter.convert(cell, level, on, report)
        padded = row + [""] * (unit_index + 1 - len(row))
        result.append([*padded[: unit_index + 1], code, note, *padded[unit_index + 1 :]])
    return result


# --- XLSX -------------------------------------------------------------------------------


def _convert_xlsx(source: Path, output: Path) -> ConversionReport:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(source)
    except Exception as exc:  # openpyxl raises many types for a broken zip
        raise UnusableInput(_("The Excel workbook cannot be opened.")) from exc
    report = ConversionReport()
    for sheet in book.worksheets:
        header = [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1), ())]
        unit_index, level, date_index = _columns(header)
        if unit_index is None:
            continue
        report.column = str(header[unit_index])
        column = unit_index + 1  # openpyxl counts from 1
        values = list(sheet.iter_rows(min_row=2, values_only=True))
        converter = Converter(normalise_code(v[unit_index], level) for v in values if v[unit_index] is not None)
        sheet.insert_cols(column + 1, 2)
        for offset, title in enumerate(_added_headers(str(header[unit_index]))):
            target = sheet.cell(row=1, column=column + 1 + offset, value=title)
            target._style = sheet.cell(row=1, column=column)._style
        width = sheet.column_dimensions[get_column_letter(column)].width
        sheet.column_dimensions[get_column_letter(column + 1)].width = width
        sheet.column_dimensions[get_column_letter(column + 2)].width = 40
        for number, row in enumerate(values, start=2):
            if all(v in (None, "") for v in row):
                continue
            report.rows += 1
            on = _row_date(row[date_index]) if date_index is not None else None
            code, note = converter.convert(row[unit_index], level, on, report)
            code_cell = sheet.cell(row=number, column=column + 1, value=code)
            code_cell.number_format = "@"  # keep the leading zeros of official codes
            sheet.cell(row=number, column=column + 2, value=note)
        break
    book.save(output)
    return report
