"""Factories and file builders for the import tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import factory

from cases.models import Category, Child, RiskFactor
from programs.models import ProtectionModel

CHILD_HEADER = ["survey_year", "commune_code", "full_name", "date_of_birth", "sex", "personal_id", "child_ref"]


def ensure_codes() -> None:
    """Categories SC01–SC14 and a few risk factors, when the database has none."""
    for number in range(1, 15):
        Category.objects.get_or_create(code=f"SC{number:02d}", defaults={"point": "a", "name": f"Category {number}"})
    for number in range(1, 4):
        RiskFactor.objects.get_or_create(code=f"R{number:02d}", defaults={"name": f"Risk {number}"})


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode like Vietnamese Excel: base letters precomposed, tones as combining marks."""
    import unicodedata

    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out.append((base + "".join(c for c in parts if c in TONE_MARKS)).encode("cp1258"))
    return b"".join(out)


def write_csv(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = to_cp1258(buffer.getvalue()) if encoding == "cp1258" else buffer.getvalue().encode(encoding)
    path.write_bytes(data)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    full_name = factory.Sequence(lambda n: f"Trẻ Em {n}")
    birth_year = 2015
    sex = "M"
    commune = factory.LazyFunction(lambda: __import__("conftest").unit("23281"))


class ProtectionModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectionModel

    code = factory.Sequence(lambda n: f"MH-{n:03d}")
    name = factory.Sequence(lambda n: f"Mô hình {n}")
    kind = ProtectionModel.Kind.DAYCARE_DISABILITY
    unit = factory.LazyFunction(lambda: __import__("conftest").unit("23281"))
    # Before every date the attendance tests record: a day-care model is active on them.
    established_on = dt.date(2015, 1, 1)
