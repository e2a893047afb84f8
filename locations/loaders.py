"""Load administrative units from the official ``vietnam-provinces`` data or a patch CSV.

Loading is set-based: existing units of an edition are read once into a dictionary, new
ones are bulk-created level by level (so parents exist before children) and changed ones
bulk-updated. Running a load twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .models import LEGACY_END, REFORM_DATE, Unit, UnitConversion
from .reform import flag_grown_splits, successions_of_communes
from .resolve import normalise_code
from .text import fold, nfc

LEVEL_ORDER = [Unit.Level.PROVINCE, Unit.Level.DISTRICT, Unit.Level.COMMUNE]
# The levels a unit's parent may have, by the unit's level.
PARENT_LEVELS: dict[str, list[str]] = {
    Unit.Level.DISTRICT: ["province"],
    Unit.Level.COMMUNE: ["district", "province"],
}


class UnitLoadError(ValueError):
    """A load that cannot be applied; nothing was written."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conversions_created: int = 0
    by_level: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(conv)d conversion entries added"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "conv": self.conversions_created,
        }


@dataclass
class UnitRow:
    level: str
    code: str
    name: str
    division_type: str
    parent_code: str | None


def official_rows(edition: str, provinces: Iterable[str] | None = None) -> list[UnitRow]:
    """The units of one edition from the ``vietnam-provinces`` package, parents first."""
    wanted = {int(p) for p in provinces} if provinces else None
    return _legacy_rows(wanted) if edition == Unit.Edition.LEGACY else _current_rows(wanted)


def _legacy_rows(wanted: set[int] | None) -> list[UnitRow]:
    """Provinces, districts and communes of the structure in force until 30/06/2025."""
    from vietnam_provinces.legacy._lookup import DISTRICT_MAPPING, PROVINCE_MAPPING, WARD_MAPPING

    rows: list[UnitRow] = []
    for p in PROVINCE_MAPPING.values():
        if wanted is None or int(p.code) in wanted:
            rows.append(UnitRow("province", f"{int(p.code):02d}", p.name, str(p.division_type), None))
    district_province = {}
    for d in DISTRICT_MAPPING.values():
        district_province[int(d.code)] = int(d.province_code)
        if wanted is None or int(d.province_code) in wanted:
            rows.append(
                UnitRow("district", f"{int(d.code):03d}", d.name, str(d.division_type), f"{int(d.province_code):02d}")
            )
    for w in WARD_MAPPING.values():
        if wanted is None or district_province[int(w.district_code)] in wanted:
            rows.append(
                UnitRow("commune", f"{int(w.code):05d}", w.name, str(w.division_type), f"{int(w.district_code):03d}")
            )
    return rows


def _current_rows(wanted: set[int] | None) -> list[UnitRow]:
    """Provinces and communes of the two-level structure in force from 01/07/2025."""
    from vietnam_provinces._lookup import PROVINCE_MAPPING, WARD_MAPPING

    rows: list[UnitRow] = []
    for p in PROVINCE_MAPPING.values():
        if wanted is None or int(p.code) in wanted:
            rows.append(UnitRow("province", f"{int(p.code):02d}", p.name, str(p.division_type), None))
    for w in WARD_MAPPING.values():
        if wanted is None or int(w.province_code) in wanted:
            rows.append(
                UnitRow("commune", f"{int(w.code):05d}", w.name, str(w.division_type), f"{int(w.province_code):02d}")
            )
    return rows


def known_province_codes(edition: str) -> set[str]:
    if edition == Unit.Edition.LEGACY:
        from vietnam_provinces.legacy._lookup import PROVINCE_MAPPING as legacy_provinces

        return {f"{int(code):02d}" for code in legacy_provinces}
    from vietnam_provinces._lookup import PROVINCE_MAPPING

    return {f"{int(code):02d}" for code in PROVINCE_MAPPING}


def default_validity(edition: str) -> tuple[dt.date | None, dt.date | None]:
    return (None, LEGACY_END) if edition == Unit.Edition.LEGACY else (REFORM_DATE, None)


@transaction.atomic
def load_official_units(*, edition: str, provinces: Iterable[str] | None = None) -> LoadResult:
    """Load (or refresh) one edition's units, optionally only some provinces.

    Validity dates are set when a unit is created and never overwritten afterwards, so a
    correction made with ``--from-csv`` survives a later refresh.
    """
    provinces = [str(p).strip() for p in provinces] if provinces else None
    if provinces:
        malformed = [p for p in provinces if not p.isdigit()]
        if malformed:
            raise UnitLoadError(_("Province codes are digits, got: %(codes)s") % {"codes": ", ".join(malformed)})
        provinces = [f"{int(p):02d}" for p in provinces]
        unknown = sorted(set(provinces) - known_province_codes(edition))
        if unknown:
            raise UnitLoadError(
                _("Unknown province code(s) for the %(edition)s structure: %(codes)s")
                % {"edition": edition, "codes": ", ".join(unknown)}
            )
    rows = official_rows(edition, provinces)
    valid_from, valid_to = default_validity(edition)
    result = LoadResult()
    existing: dict[tuple[str | None, str], Unit] = {(u.level, u.code): u for u in Unit.objects.filter(edition=edition)}
    for level in LEVEL_ORDER:
        new_units, changed = [], []
        for row in (r for r in rows if r.level == level):
            parent = existing.get((_parent_level(row.parent_code), row.parent_code)) if row.parent_code else None
            if row.parent_code and parent is None:
                raise UnitLoadError(
                    _("Parent %(parent)s of unit %(code)s is not loaded.")
                    % {"parent": row.parent_code, "code": row.code}
                )
            unit = existing.get((level, row.code))
            if unit is None:
                unit = Unit(level=level, code=row.code, edition=edition, valid_from=valid_from, valid_to=valid_to)
                _assign(unit, row, parent)
                new_units.append(unit)
                existing[(level, row.code)] = unit
            elif _assign(unit, row, parent):
                changed.append(unit)
            else:
                result.unchanged += 1
        Unit.objects.bulk_create(new_units, batch_size=1000)
        Unit.objects.bulk_update(
            changed, ["name", "name_folded", "division_type", "parent", "province", "district"], batch_size=1000
        )
        result.created += len(new_units)
        result.updated += len(changed)
        result.by_level[level] = len(new_units) + len(changed)
    result.conversions_created = sync_conversions()
    return result


def _parent_level(code: str | None) -> str | None:
    return {2: "province", 3: "district", 5: "commune"}.get(len(code or ""))


def _assign(unit: Unit, row: UnitRow, parent: Unit | None) -> bool:
    """Copy the official fields onto ``unit``; return whether anything changed."""
    before = (unit.name, unit.division_type, unit.parent_id, unit.province_id, unit.district_id)
    unit.name = nfc(row.name)
    unit.name_folded = fold(unit.name)
    unit.division_type = row.division_type
    unit.parent = parent
    unit.fill_ancestors()
    after = (unit.name, unit.division_type, unit.parent_id, unit.province_id, unit.district_id)
    return before != after


def sync_conversions() -> int:
    """Add every official conversion entry whose two ends are both loaded.

    Called after each load, whichever edition comes first, so the table fills in as soon
    as it can. Existing entries are left alone (an officer may not edit them).
    """
    from vietnam_provinces._ward_conversion_2025 import EFFECTIVE_DATE, OLD_TO_NEW

    effective = dt.date.fromisoformat(EFFECTIVE_DATE)
    legacy = dict(Unit.objects.filter(edition="legacy", level="commune").values_list("code", "id"))
    current = dict(Unit.objects.filter(edition="current", level="commune").values_list("code", "id"))
    if not legacy or not current:
        return 0
    have = set(UnitConversion.objects.values_list("legacy_id", "current_id"))
    new = []
    for old_code, entry in OLD_TO_NEW.items():
        legacy_id = legacy.get(f"{old_code:05d}")
        if legacy_id is None:
            continue
        for rank, successor in enumerate(entry.new_wards):
            current_id = current.get(f"{successor.code:05d}")
            if current_id is None or (legacy_id, current_id) in have:
                continue
            new.append(
                UnitConversion(
                    legacy_id=legacy_id,
                    current_id=current_id,
                    rank=rank,
                    is_partial=entry.old_ward.is_partly_merged,
                    effective_on=effective,
                )
            )
    successions = successions_of_communes({link.legacy_id for link in new})
    UnitConversion.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    flag_grown_splits(successions)
    return len(new)


# --- patches from CSV -------------------------------------------------------------------

CSV_COLUMNS = ["level", "code", "name", "parent_code", "valid_from", "valid_to"]


def _parse_date(raw: str, line: int, column: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise UnitLoadError(
            _("Line %(line)d, column %(column)s: %(value)r is not a date YYYY-MM-DD.")
            % {"line": line, "column": column, "value": raw}
        ) from None


@transaction.atomic
def load_units_csv(text: str) -> LoadResult:
    """Create or patch units from CSV text with the columns of ``CSV_COLUMNS``.

    Every row is checked before anything is written: a missing column, a bad date, an
    unknown parent, a parent at the wrong level or of the other structure, or a cycle
    stops the whole file.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UnitLoadError(_("Missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
    parsed = []
    for line, raw in enumerate(reader, start=2):
        level = (raw["level"] or "").strip().lower()
        if level not in LEVEL_ORDER:
            raise UnitLoadError(_("Line %(line)d: unknown level %(value)r.") % {"line": line, "value": level})
        code = (raw["code"] or "").strip()
        if not code.isdigit() or len(code) != Unit.CODE_LENGTH[level]:
            raise UnitLoadError(
                _("Line %(line)d: code %(code)r must have %(n)d digits for a %(level)s.")
                % {"line": line, "code": code, "n": Unit.CODE_LENGTH[level], "level": level}
            )
        valid_from = _parse_date(raw["valid_from"], line, "valid_from")
        valid_to = _parse_date(raw["valid_to"], line, "valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            raise UnitLoadError(_("Line %(line)d: valid_to is before valid_from.") % {"line": line})
        parsed.append(
            (line, level, code, nfc(raw["name"] or ""), (raw["parent_code"] or "").strip(), valid_from, valid_to)
        )
    _check_csv_cycles(parsed)
    result = LoadResult()
    for level in LEVEL_ORDER:
        for line, row_level, code, name, parent_code, valid_from, valid_to in parsed:
            if row_level != level:
                continue
            _apply_csv_row(result, line, level, code, name, parent_code, valid_from, valid_to)
    result.conversions_created = sync_conversions()
    return result


def _check_csv_cycles(parsed: list) -> None:
    parent_of = {code: parent for _line, _level, code, _name, parent, _f, _t in parsed}
    for line, _level, code, *_rest in parsed:
        seen, current = {code}, parent_of.get(code)
        while current:
            if current in seen:
                raise UnitLoadError(
                    _("Line %(line)d: unit %(code)s is its own ancestor (a cycle).") % {"line": line, "code": code}
                )
            seen.add(current)
            current = parent_of.get(current)


def _edition_for(level: str, parent: Unit | None, valid_from: dt.date | None) -> str:
    if parent is not None:
        return parent.edition
    return Unit.Edition.CURRENT if valid_from and valid_from >= REFORM_DATE else Unit.Edition.LEGACY


def _intended_edition(level: str, code: str, valid_from: dt.date | None, valid_to: dt.date | None) -> str | None:
    """The structure a patch row belongs to, when its dates or the existing units tell.

    A row starting on or after the reform is current, one ending before it legacy; an
    undated row patching a code that exists in one structure only belongs to that one.
    ``None``: undecided, the parent's structure is taken.
    """
    if valid_from and valid_from >= REFORM_DATE:
        return Unit.Edition.CURRENT
    if valid_to and valid_to <= LEGACY_END:
        return Unit.Edition.LEGACY
    if valid_from or valid_to:
        return None
    editions = set(Unit.objects.filter(level=level, code=code).values_list("edition", flat=True))
    return editions.pop() if len(editions) == 1 else None


def _apply_csv_row(
    result: LoadResult,
    line: int,
    level: str,
    code: str,
    name: str,
    parent_code: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
) -> None:
    parent = None
    intended = _intended_edition(level, code, valid_from, valid_to)
    if level == Unit.Level.PROVINCE:
        if parent_code:
            raise UnitLoadError(_("Line %(line)d: a province has no parent.") % {"line": line})
    else:
        if not parent_code:
            raise UnitLoadError(_("Line %(line)d: parent_code is required.") % {"line": line})
        parent_level = _parent_level(parent_code)
        allowed = PARENT_LEVELS[level]
        if parent_level not in allowed:
            raise UnitLoadError(
                _("Line %(line)d: %(parent)s cannot be the parent of a %(level)s.")
                % {"line": line, "parent": parent_code, "level": level}
            )
        on = valid_from or valid_to
        candidates = list(Unit.objects.filter(level=parent_level, code=parent_code))
        if on is not None:
            candidates = [c for c in candidates if c.is_valid_on(on)] or candidates
        if not candidates:
            raise UnitLoadError(
                _("Line %(line)d: unknown parent unit %(parent)s.") % {"line": line, "parent": parent_code}
            )
        # Prefer the structure the row's dates (or the existing unit) point to.
        wants_current = intended == Unit.Edition.CURRENT
        candidates.sort(key=lambda u: (u.edition == Unit.Edition.CURRENT) != wants_current)
        parent = candidates[0]
        if wants_current and parent.edition == Unit.Edition.LEGACY:
            raise UnitLoadError(
                _("Line %(line)d: a current unit (from %(date)s) cannot have the legacy parent %(parent)s.")
                % {"line": line, "date": valid_from or REFORM_DATE, "parent": parent}
            )
        if intended == Unit.Edition.LEGACY and parent.edition == Unit.Edition.CURRENT:
            raise UnitLoadError(
                _("Line %(line)d: a legacy unit (until %(date)s) cannot have the current parent %(parent)s.")
                % {"line": line, "date": valid_to or LEGACY_END, "parent": parent}
            )
    if intended is not None and parent is None and level == Unit.Level.PROVINCE:
        edition = intended
    else:
        edition = _edition_for(level, parent, valid_from)
    unit = Unit.objects.filter(edition=edition, level=level, code=code).first()
    if unit is None:
        if not name:
            raise UnitLoadError(_("Line %(line)d: a new unit needs a name.") % {"line": line})
        unit = Unit(edition=edition, level=level, code=code)
        result.created += 1
    else:
        before = (unit.name, unit.parent_id, unit.valid_from, unit.valid_to)
        after = (name or unit.name, parent.pk if parent else None, valid_from, valid_to)
        if before == after:
            result.unchanged += 1
            return
        result.updated += 1
    unit.name = name or unit.name
    unit.parent = parent
    unit.valid_from, unit.valid_to = valid_from, valid_to
    unit.save()
    if unit.level != Unit.Level.COMMUNE:
        _refresh_descendants(unit)


def _refresh_descendants(unit: Unit) -> None:
    """Re-derive stored ancestors below a unit whose parent may have changed."""
    for child in Unit.objects.filter(parent=unit):
        child.fill_ancestors()
        Unit.objects.filter(pk=child.pk).update(province_id=child.province_id, district_id=child.district_id)
        _refresh_descendants(child)


# --- conversion entries from CSV --------------------------------------------------------

CONVERSION_COLUMNS = ["legacy_code", "current_code"]
_TRUE, _FALSE = {"1", "true", "yes", "x", "có", "co"}, {"", "0", "false", "no", "không", "khong"}


@transaction.atomic
def load_conversions_csv(text: str) -> LoadResult:
    """Add or correct conversion entries from CSV text (corrections the official table lacks).

    Columns ``legacy_code,current_code`` and optionally ``rank``, ``is_partial`` and
    ``effective_on`` (``YYYY-MM-DD``). Both ends must be loaded communes of their
    structure; any bad line stops the whole file and nothing is saved.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CONVERSION_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UnitLoadError(_("Missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
    communes = {
        (edition, code): pk
        for edition, code, pk in Unit.objects.filter(level=Unit.Level.COMMUNE).values_list("edition", "code", "pk")
    }
    parsed: list[tuple[int, int, int, int | None, bool | None, dt.date | None]] = []
    for line, raw in enumerate(reader, start=2):
        ends = []
        for column, edition in (("legacy_code", Unit.Edition.LEGACY), ("current_code", Unit.Edition.CURRENT)):
            code = normalise_code(raw[column], Unit.Level.COMMUNE)
            pk = communes.get((edition, code))
            if pk is None:
                raise UnitLoadError(
                    _("Line %(line)d, column %(column)s: %(code)r is not a loaded %(edition)s commune.")
                    % {"line": line, "column": column, "code": code, "edition": edition}
                )
            ends.append(pk)
        rank_text = (raw.get("rank") or "").strip()
        if rank_text and not rank_text.isdigit():
            raise UnitLoadError(
                _("Line %(line)d: rank %(value)r is not a number.") % {"line": line, "value": rank_text}
            )
        partial_text = (raw.get("is_partial") or "").strip().lower()
        if partial_text not in _TRUE | _FALSE:
            raise UnitLoadError(
                _("Line %(line)d: is_partial %(value)r is not yes or no.") % {"line": line, "value": partial_text}
            )
        is_partial = (partial_text in _TRUE) if raw.get("is_partial") is not None else None
        effective = _parse_date(raw.get("effective_on") or "", line, "effective_on")
        parsed.append((line, ends[0], ends[1], int(rank_text) if rank_text else None, is_partial, effective))
    successions = successions_of_communes({legacy_id for _line, legacy_id, *_rest in parsed})
    result = LoadResult()
    for _line, legacy_id, current_id, rank, is_partial, effective in parsed:
        link = UnitConversion.objects.filter(legacy_id=legacy_id, current_id=current_id).first()
        if link is None:
            taken = UnitConversion.objects.filter(legacy_id=legacy_id).order_by("-rank").first()
            link = UnitConversion(
                legacy_id=legacy_id,
                current_id=current_id,
                rank=rank if rank is not None else (taken.rank + 1 if taken else 0),
                is_partial=bool(is_partial),
                effective_on=effective or REFORM_DATE,
            )
            link.full_clean()
            link.save()
            result.conversions_created += 1
            continue
        before = (link.rank, link.is_partial, link.effective_on)
        link.rank = rank if rank is not None else link.rank
        link.is_partial = is_partial if is_partial is not None else link.is_partial
        link.effective_on = effective or link.effective_on
        if (link.rank, link.is_partial, link.effective_on) == before:
            result.unchanged += 1
        else:
            link.full_clean()
            link.save()
            result.updated += 1
    flag_grown_splits(successions)
    return result
