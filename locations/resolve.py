"""Resolve an official code to the unit valid on a date.

Records are dated (a survey year, a case's opening, an event), and the same code may
name different units before and after the 2025 reform, so a code alone is not enough.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import REFORM_DATE, Unit, UnitConversion


class UnitNotFound(LookupError):
    """No unit with that code and level is valid on the date; ``str()`` says why."""


def resolve_unit(code: str, on: dt.date, *, level: str | None = None) -> Unit:
    """Return the unit with ``code`` (and ``level``) valid on ``on``.

    The level defaults to the one the code's length implies (2, 3 or 5 digits).
    Raises ``UnitNotFound`` with a message in the active language.
    """
    book = UnitCodebook(levels=[level] if level else None, codes=[code])
    return book.resolve(code, on, level=level)


def normalise_code(raw: object, level: str | None = None) -> str:
    """Official codes are text with leading zeros; spreadsheets drop them."""
    text = str(raw).strip() if raw is not None else ""
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit():
        width = Unit.CODE_LENGTH.get(level) if level else None
        if width is None:
            width = 5 if len(text) > 3 else (3 if len(text) == 3 else 2)
        text = text.zfill(width)
    return text


def level_for_code(code: str) -> str | None:
    return {2: Unit.Level.PROVINCE, 3: Unit.Level.DISTRICT, 5: Unit.Level.COMMUNE}.get(len(code))


class UnitCodebook:
    """All candidate units for a set of codes, loaded in one query, resolved in memory.

    Imports resolve thousands of codes; one dictionary per batch instead of one query per row.
    """

    def __init__(self, *, levels: Iterable[str] | None = None, codes: Iterable[str] | None = None) -> None:
        qs = Unit.objects.all()
        if levels:
            qs = qs.filter(level__in=list(levels))
        if codes is not None:
            qs = qs.filter(code__in={normalise_code(c) for c in codes})
        self._by_code: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for unit in qs.only(
            "id",
            "code",
            "name",
            "level",
            "edition",
            "valid_from",
            "valid_to",
            "province_id",
            "district_id",
            "parent_id",
        ):
            self._by_code[(unit.level, unit.code)].append(unit)

    def resolve(self, code: str, on: dt.date, *, level: str | None = None) -> Unit:
        code = normalise_code(code, level)
        level = level or level_for_code(code)
        candidates = self._by_code.get((level, code), []) if level else []
        for unit in candidates:
            if unit.is_valid_on(on):
                return unit
        if not candidates:
            raise UnitNotFound(_("Unknown unit code %(code)s.") % {"code": code})
        legacy = [u for u in candidates if u.edition == Unit.Edition.LEGACY]
        if legacy and on >= REFORM_DATE:
            raise UnitNotFound(describe_succession(legacy[0]))
        ranges = "; ".join(validity_text(u) for u in candidates)
        raise UnitNotFound(
            _("Unit %(code)s %(name)s is not valid on %(date)s (valid %(ranges)s).")
            % {"code": code, "name": candidates[0].name, "date": date_format(on, "SHORT_DATE_FORMAT"), "ranges": ranges}
        )


def validity_text(unit: Unit) -> str:
    start = date_format(unit.valid_from, "SHORT_DATE_FORMAT") if unit.valid_from else "…"
    end = date_format(unit.valid_to, "SHORT_DATE_FORMAT") if unit.valid_to else "…"
    return f"{start}–{end}"


def describe_succession(legacy: Unit) -> str:
    """Say what a legacy unit became, e.g. for an import row dated after the reform."""
    links = list(UnitConversion.objects.filter(legacy=legacy).select_related("current").order_by("rank"))
    if not links:
        return _("%(unit)s is a legacy unit that ended on %(date)s; use the current unit's code.") % {
            "unit": str(legacy),
            "date": date_format(legacy.valid_to or REFORM_DATE, "SHORT_DATE_FORMAT"),
        }
    successors = ", ".join(str(link.current) for link in links)
    verb = _("was split into") if len(links) > 1 else _("was merged into")
    return _("%(unit)s %(verb)s %(successors)s on %(date)s") % {
        "unit": str(legacy),
        "verb": verb,
        "successors": successors,
        "date": date_format(links[0].effective_on, "SHORT_DATE_FORMAT"),
    }
