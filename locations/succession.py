"""Where a record stands in the current (post-2025) structure.

Every scoped record keeps the unit it was recorded on and also a *current unit*: for a
legacy commune its successor commune (the first one of the official table when the
commune was split, flagged for review), for a legacy district or province the current
province, for a current unit the unit itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Unit, UnitConversion


@dataclass(frozen=True)
class Succession:
    current: Unit | None
    needs_review: bool


def current_unit_for(unit: Unit | None) -> Succession:
    """The current unit of one record's unit (a few queries; imports use ``SuccessionMap``)."""
    if unit is None:
        return Succession(None, False)
    return SuccessionMap([unit.pk]).get(unit.pk)


class SuccessionMap:
    """Current units for many units at once, loaded with a fixed number of queries."""

    def __init__(self, unit_ids) -> None:
        ids = set(unit_ids)
        units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
        self._result: dict[int, Succession] = {}
        legacy_communes = [u.pk for u in units.values() if u.edition == "legacy" and u.level == "commune"]
        links: dict[int, list[UnitConversion]] = {}
        for link in UnitConversion.objects.filter(legacy_id__in=legacy_communes).select_related("current"):
            links.setdefault(link.legacy_id, []).append(link)
        legacy_provinces = {
            (u.code if u.level == "province" else units_province_code(u))
            for u in units.values()
            if u.edition == "legacy" and u.level != "commune"
        }
        current_provinces = (
            {p.code: p for p in Unit.objects.filter(edition="current", level="province")} if legacy_provinces else {}
        )
        for pk, unit in units.items():
            if unit.edition == Unit.Edition.CURRENT:
                self._result[pk] = Succession(unit, False)
            elif unit.level == Unit.Level.COMMUNE:
                successors = sorted(links.get(pk, []), key=lambda link: link.rank)
                self._result[pk] = Succession(successors[0].current if successors else None, len(successors) > 1)
            else:
                code = unit.code if unit.level == "province" else units_province_code(unit)
                self._result[pk] = Succession(current_provinces.get(legacy_to_current_province(code)), False)

    def get(self, unit_id: int) -> Succession:
        return self._result.get(unit_id, Succession(None, False))


def units_province_code(unit: Unit) -> str:
    return unit.province.code if unit.province_id else ""


def legacy_to_current_province(code: str) -> str | None:
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW

    if not code:
        return None
    entry = OLD_TO_NEW.get(int(code))
    return f"{entry.new_provinces[0].code:02d}" if entry else None
