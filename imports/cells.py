"""Turn one spreadsheet cell into a typed value, or say in the user's language why not.

Each parser takes the raw cell (text from CSV, or a typed value from XLSX) and returns the
value, ``None`` for an empty cell, or raises ``CellError``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from locations.text import fold, nfc

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
# A date then an hour, ``08:30`` or ``08:30:15``; ``T`` or spaces between them (ISO 8601 or typed).
_DATE_HOUR = re.compile(
    r"^(?P<date>\S+?)(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?$"
)
YES = {"1", "co", "x", "yes", "true", "y", "c"}
NO = {"0", "khong", "no", "false", "n", "k", ""}
# Excel's day zero for serial dates typed as numbers in a text cell.
EXCEL_EPOCH = dt.date(1899, 12, 30)


class CellError(ValueError):
    """A cell's value is not acceptable; ``str()`` is the reason shown to the user."""


@dataclass(frozen=True)
class BirthDate:
    """A date of birth, or only its year when the survey knows no more."""

    date: dt.date | None
    year: int


def text(value: Any) -> str:
    """NFC-normalised text; a formula such as ``=HYPERLINK(...)`` stays text, never evaluated."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    text = nfc(str(value))
    # Exports escape formula-like cells with an apostrophe; read them back as they were.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any) -> dt.date | None:
    """``DD/MM/YYYY``, ``D/M/YYYY``, ``YYYY-MM-DD`` or an Excel date cell."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    match = _DMY.match(raw)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = _ISO.match(raw.split(" ")[0])
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("%(value)s is not a valid date.") % {"value": raw}) from exc
    raise CellError(_("%(value)s is not a date (use DD/MM/YYYY).") % {"value": raw})


def parse_datetime(value: Any) -> dt.datetime | None:
    """A date and hour: ``DD/MM/YYYY HH:MM``, ``YYYY-MM-DD HH:MM``, ISO 8601 or an Excel date-time cell.

    A time without an offset is read in the local time zone (``TIME_ZONE``), as officers type it.
    A text cell must give the hour: a date alone is refused rather than taken for midnight.
    """
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time.min))
    raw = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(raw)
    except ValueError:
        parsed = None
    if parsed is not None and ("T" in raw or " " in raw):
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    match = _DATE_HOUR.match(raw)
    if match is None:
        raise CellError(_("%(value)s is not a date and hour (use DD/MM/YYYY HH:MM).") % {"value": raw})
    day = parse_date(match["date"])
    assert day is not None  # the pattern needs a date before the hour
    try:
        hour = dt.time(int(match["hour"]), int(match["minute"]), int(match["second"] or 0))
    except ValueError as exc:
        raise CellError(_("%(value)s is not a valid hour.") % {"value": raw}) from exc
    return timezone.make_aware(dt.datetime.combine(day, hour))


def parse_birth_date(value: Any) -> BirthDate | None:
    """A full date, or a year alone (surveys often know only the year)."""
    if is_empty(value):
        return None
    if isinstance(value, int) or (isinstance(value, str) and _YEAR.match(value.strip())):
        year = int(str(value).strip())
        if not 1900 <= year <= 2100:
            raise CellError(_("%(value)s is not a year of birth.") % {"value": value})
        return BirthDate(None, year)
    date = parse_date(value)
    return BirthDate(date, date.year) if date else None


def parse_int(value: Any, *, minimum: int = 0) -> int | None:
    if is_empty(value):
        return None
    raw = str(value).strip().replace(" ", "")
    if raw.endswith(".0"):
        raw = raw[:-2]
    try:
        number = int(raw)
    except ValueError as exc:
        raise CellError(_("%(value)s is not a whole number.") % {"value": value}) from exc
    if number < minimum:
        raise CellError(_("%(value)s is below %(minimum)s.") % {"value": value, "minimum": minimum})
    return number


def parse_year(value: Any) -> int | None:
    year = parse_int(value)
    if year is not None and not 1990 <= year <= 2100:
        raise CellError(_("%(value)s is not a year.") % {"value": value})
    return year


def parse_bool(value: Any) -> bool | None:
    """``1``/``0``, ``có``/``không``, ``x``/empty, ``yes``/``no``, ``true``/``false``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    raw = str(value).strip().lower()
    if raw in ("1", "0", "x", ""):
        return None if raw == "" else raw != "0"
    key = fold(raw)
    if key == "":
        return None
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError(_("%(value)s is not yes or no (use 1/0, có/không, x).") % {"value": value})


_SEX = {"m": "M", "nam": "M", "male": "M", "1": "M", "f": "F", "nu": "F", "nữ": "F", "female": "F", "2": "F"}


def parse_sex(value: Any) -> str | None:
    if is_empty(value):
        return None
    fast = _SEX.get(str(value).strip().lower())
    if fast:
        return fast
    key = fold(str(value))
    if key in {"m", "nam", "male", "1"}:
        return "M"
    if key in {"f", "nu", "female", "2"}:
        return "F"
    raise CellError(_("%(value)s is not a sex (use M/F or Nam/Nữ).") % {"value": value})


def parse_choice(value: Any, choices: Mapping[str, StrOrPromise]) -> str | None:
    """A key of ``choices`` (key → label), accepting the label too, accent-insensitively."""
    if is_empty(value):
        return None
    choice = _choice_lookup(tuple(choices.items())).get(fold(str(value)))
    if choice is not None:
        return choice
    raise CellError(_("%(value)s is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices)})


@lru_cache(maxsize=64)
def _choice_lookup(choices: tuple[tuple[str, StrOrPromise], ...]) -> dict[str, str]:
    """Folded key or label (in both languages: files mix them) → key."""
    lookup: dict[str, str] = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for choice, label in choices:
                lookup[fold(str(label))] = choice
    lookup.update({fold(choice): choice for choice, _label in choices})
    return lookup


def parse_codes(value: Any) -> list[str]:
    """A multi-valued cell: codes separated by ``;`` (commas tolerated), upper-cased."""
    if is_empty(value):
        return []
    parts = re.split(r"[;,]", str(value))
    return sorted({p.strip().upper() for p in parts if p.strip()})
