"""Where a record stands in the current (post-2025) structure.

Every scoped record keeps the unit it was recorded on and also a *current unit*: for a
legacy commune its successor commune (the first one of the official table when the
commune was split, flagged for review), for a legacy district or province the current
province, for a current unit the unit itself.

``successor_table`` is the one place that rule is written down. It only reads values, so
it works with the real models and with the historical models of a data migration; the
per-record path (``current_unit_for``), the import path (``SuccessionMap``) and the
set-based path (``locations.reform``) all use it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .models import REFORM_DATE, Unit, UnitConversion

LEGACY = "legacy"
CURRENT = "current"


@dataclass(frozen=True)
class Succession:
    current: Unit | None
    needs_review: bool


def successor_table(
    unit_ids: Iterable[int] | None = None, *, unit_model: Any = Unit, conversion_model: Any = UnitConversion
) -> dict[int, list[int]]:
    """Map unit ids to the ids of their possible current units, the default one first.

    A unit missing from the result has no known successor yet (its successor's province
    is not loaded). More than one successor means the unit was split and records on it
    need an officer's review. ``unit_ids=None`` covers every unit.
    """
    units = unit_model._base_manager.all()
    if unit_ids is not None:
        units = units.filter(pk__in=set(unit_ids))
    rows = list(units.values_list("pk", "code", "level", "edition"))
    table: dict[int, list[int]] = {}
    legacy_communes, legacy_districts, legacy_provinces = [], [], []
    for pk, code, level, edition in rows:
        if edition == CURRENT:
            table[pk] = [pk]
        elif level == "commune":
            legacy_communes.append(pk)
        elif level == "district":
            legacy_districts.append(pk)
        else:
            legacy_provinces.append((pk, code))
    links = conversion_model._base_manager.all()
    if unit_ids is not None:
        links = links.filter(legacy_id__in=legacy_communes)
    if legacy_communes or unit_ids is None:
        wanted = set(legacy_communes)
        for legacy_id, current_id in links.order_by("legacy_id", "rank", "pk").values_list("legacy_id", "current_id"):
            if legacy_id in wanted:
                table.setdefault(legacy_id, []).append(current_id)
    if legacy_districts or legacy_provinces:
        table.update(_legacy_upper_successors(legacy_districts, legacy_provinces, unit_model, conversion_model))
    return table


def _legacy_upper_successors(
    districts: list[int], provinces: list[tuple[int, str]], unit_model: Any, conversion_model: Any
) -> dict[int, list[int]]:
    """Current provinces of legacy districts and provinces.

    A legacy district goes to the current province(s) its communes went to; a legacy
    province to the one(s) the official province table names (Tiền Giang went to two),
    falling back to where its communes went when that province is not loaded.
    """
    current_provinces = dict(
        unit_model._base_manager.filter(edition=CURRENT, level="province").values_list("code", "pk")
    )
    by_district: dict[int, Counter] = defaultdict(Counter)
    by_province: dict[int, Counter] = defaultdict(Counter)
    links = conversion_model._base_manager.filter(
        legacy__district_id__in=districts
    ) | conversion_model._base_manager.filter(legacy__province_id__in=[pk for pk, _code in provinces])
    for district_id, province_id, current_province_id in links.values_list(
        "legacy__district_id", "legacy__province_id", "current__province_id"
    ):
        if current_province_id is None:
            continue
        by_district[district_id][current_province_id] += 1
        by_province[province_id][current_province_id] += 1
    result: dict[int, list[int]] = {}
    for pk in districts:
        if by_district[pk]:
            result[pk] = [p for p, _n in by_district[pk].most_common()]
    for pk, code in provinces:
        official = [current_provinces[c] for c in official_province_successors(code) if c in current_provinces]
        found = official or [p for p, _n in by_province[pk].most_common()]
        if found:
            result[pk] = found
    return result


def official_province_successors(code: str) -> list[str]:
    """The current province codes a legacy province became, from the official table."""
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW

    entry = OLD_TO_NEW.get(int(code)) if code and code.isdigit() else None
    return [f"{p.code:02d}" for p in entry.new_provinces] if entry else []


def current_unit_for(unit: Unit | None) -> Succession:
    """The current unit of one record's unit (a few queries; imports use ``SuccessionMap``)."""
    if unit is None:
        return Succession(None, False)
    return SuccessionMap([unit.pk]).get(unit.pk)


def successors_of(unit: Unit) -> list[Unit]:
    """The units a record on ``unit`` may be attached to today, the default one first."""
    ids = successor_table([unit.pk]).get(unit.pk, [])
    by_pk = Unit.objects.in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]


def unit_on(unit: Unit, on: dt.date) -> Unit:
    """The unit that a record made on ``on`` names: a legacy unit before the reform, its default successor
    from the reform on (the legacy unit itself if it has none); a current unit always itself."""
    if on < REFORM_DATE or unit.edition != Unit.Edition.LEGACY:
        return unit
    return next(iter(successors_of(unit)), unit)


class SuccessionMap:
    """Current units for many units at once, loaded with a fixed number of queries."""

    def __init__(self, unit_ids: Iterable[int]) -> None:
        table = successor_table(set(unit_ids))
        self._successors = table
        defaults = Unit.objects.in_bulk({ids[0] for ids in table.values()})
        self._result: dict[int, Succession] = {
            pk: Succession(defaults.get(ids[0]), len(ids) > 1) for pk, ids in table.items()
        }

    def get(self, unit_id: int) -> Succession:
        return self._result.get(unit_id, Succession(None, False))

    def successor_ids(self, unit_id: int) -> list[int]:
        """Every possible current unit of ``unit_id``, the default first."""
        return list(self._successors.get(unit_id, []))
