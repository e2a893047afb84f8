"""A row dated on or after 1 July 2025 naming a legacy code is refused with its successors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from locations.loaders import load_official_units
from locations.resolve import UnitCodebook, UnitNotFound, resolve_unit

pytestmark = pytest.mark.django_db


def test_legacy_code_after_the_reform_names_what_it_became(units):
    book = UnitCodebook(codes=["23281"])
    assert book.resolve("23281", dt.date(2025, 6, 30)) == units.quang_trung
    with translation.override("en"), pytest.raises(UnitNotFound) as excinfo:
        book.resolve("23281", dt.date(2025, 7, 1))
    assert str(excinfo.value) == "23281 Phường Quang Trung was merged into 23293 Phường Kon Tum on 01/07/2025"


def test_legacy_code_error_is_in_vietnamese_by_default(units):
    with pytest.raises(UnitNotFound) as excinfo:
        resolve_unit("23281", dt.date(2026, 1, 5))
    message = str(excinfo.value)
    assert "23281 Phường Quang Trung" in message and "23293 Phường Kon Tum" in message
    assert "01/07/2025" in message


def test_code_reused_by_a_current_unit_resolves_by_date(units):
    # 23446 was Xã Tê Xăng until the reform and is Xã Măng Ri since.
    book = UnitCodebook(codes=["23446"])
    assert book.resolve("23446", dt.date(2020, 1, 1)).name == "Xã Tê Xăng"
    assert book.resolve("23446", dt.date(2025, 7, 1)).name == "Xã Măng Ri"


def test_split_commune_error_names_every_successor(units):
    load_official_units(edition="legacy", provinces=["48"])
    load_official_units(edition="current", provinces=["48"])
    with translation.override("en"), pytest.raises(UnitNotFound) as excinfo:
        UnitCodebook(codes=["20296"]).resolve("20296", dt.date(2025, 9, 1))
    assert str(excinfo.value) == (
        "20296 Xã Hòa Liên was split into 20194 Phường Hải Vân, 20197 Phường Liên Chiểu on 01/07/2025"
    )
