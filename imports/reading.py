"""Read an uploaded CSV or XLSX file as a stream of rows, whatever its encoding.

Files come from Vietnamese Excel (Windows-1258, UTF-16 "Unicode text"), from LibreOffice
(UTF-8) and from scripts; delimiters vary. Nothing here loads the whole file: CSV is read
through an incremental text stream, XLSX through openpyxl's read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

SAMPLE_BYTES = 256 * 1024
ZIP_MAGIC = b"PK\x03\x04"
# Raised so csv can hold a long notes cell; a cell above this is not a survey file.
csv.field_size_limit(1024 * 1024)


class UnusableFile(Exception):
    """The file cannot be read at all (not text, unknown encoding, broken XLSX)."""


@dataclass
class RowSource:
    """The header and a generator of ``(row_number, cells)``; row 1 is the header.

    A caller that stops before the end closes ``rows`` to close the file.
    """

    header: list[str]
    rows: Generator[tuple[int, list[Any]], None, None]


def open_rows(path: str | Path, *, name: str = "") -> RowSource:
    """Open ``path`` as a CSV or XLSX table. Raises ``UnusableFile`` with a reason."""
    handle = open(path, "rb")
    sample = handle.read(SAMPLE_BYTES)
    handle.seek(0)
    if sample.startswith(ZIP_MAGIC):
        return _xlsx_rows(handle)
    if name.lower().endswith((".xlsx", ".xlsm")):
        handle.close()
        raise UnusableFile(_("The file is named .xlsx but is not an Excel workbook."))
    encoding = detect_encoding(sample)
    text = io.TextIOWrapper(handle, encoding=encoding, newline="", errors="strict")
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        handle.close()
        raise UnusableFile(_("The file's text encoding cannot be read.")) from exc
    delimiter = detect_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter), [])
    return RowSource(header=header, rows=_csv_rows(text, delimiter))


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern) or Windows-1258.

    Raises ``UnusableFile`` when the sample does not look like text in that encoding
    (a photo or a zip renamed to .csv).
    """
    encoding = _guess_encoding(sample)
    decoded = sample.decode(encoding, errors="ignore")
    odd = sum(1 for ch in decoded if unicodedata.category(ch) in {"Cc", "Cn", "Co", "Cs"} and ch not in "\r\n\t")
    if odd > len(decoded) * 0.01:
        raise UnusableFile(_("The file is not a text (CSV) file or an Excel workbook."))
    return encoding


def _guess_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) / 2
        # ASCII-heavy UTF-16 without a BOM: every other byte is NUL.
        if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
            return "utf-16-le"
        if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
            return "utf-16-be"
        if 0 in sample:
            raise UnusableFile(_("The file is not a text (CSV) file or an Excel workbook."))
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise UnusableFile(_("The file's text encoding cannot be read.")) from exc
    return "cp1258"


def detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: io.TextIOWrapper, delimiter: str) -> Generator[tuple[int, list[Any]], None, None]:
    reader = csv.reader(text, delimiter=delimiter)
    number = 1
    try:
        for cells in reader:
            number += 1
            # Blank rows (only white space) are skipped; one joined string is cheaper to test.
            if not "".join(cells).strip():
                continue
            yield number, cells
    except UnicodeDecodeError as exc:
        raise UnusableFile(_("The file's text encoding cannot be read (near row %(row)s).") % {"row": number}) from exc
    except csv.Error as exc:
        raise UnusableFile(_("Row %(row)s cannot be read: %(reason)s") % {"row": number, "reason": exc}) from exc
    finally:
        text.close()


def _xlsx_rows(handle: BinaryIO) -> RowSource:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell is read as its text and never evaluated.
        book = load_workbook(handle, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken zip
        handle.close()
        raise UnusableFile(_("The Excel workbook cannot be opened.")) from exc
    sheet = book.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = [("" if v is None else str(v)) for v in next(iterator, ())]

    def rows() -> Generator[tuple[int, list[Any]], None, None]:
        try:
            for number, values in enumerate(iterator, start=2):
                cells = [_xlsx_value(v) for v in values]
                if not any(c not in (None, "") for c in cells):
                    continue
                yield number, cells
        finally:
            book.close()
            handle.close()

    return RowSource(header=header, rows=rows())


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None:
        return ""
    return value
