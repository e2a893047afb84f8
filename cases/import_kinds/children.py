"""``children``: one row per child and survey year (docs/contract/imports.md).

A row is the same child as an existing one when it has the same ``personal_id``; else the
same ``child_ref``; else the same folded name, date of birth, sex and commune. A matched
child gets (or updates) the survey record of the row's year, so the 2014 survey adds to the
children of 2013. Children that share the name, year of birth and commune with the row but
differ in sex or date of birth are listed as probable duplicates, never merged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.types import recorded_user
from cases.birth import birth_fields
from cases.ethnicity import ETHNICITY_CHOICES, parse_ethnicity
from cases.models import Category, Child, ChildCategory, RiskFactor, SurveyRecord, all_survey_records
from cases.validators import check_birth, check_personal_id
from imports import cells
from imports.bulk import any_of, bulk_insert_values, bulk_update_values, without_bitmap_scans
from imports.kind import (
    NEW,
    UNCHANGED,
    UPDATED,
    Column,
    Context,
    KindSpec,
    Row,
    current_unit_fields,
    keeps_current_unit,
)
from imports.registry import register
from locations.text import fold

from . import child_consents

# Lazy: formatted only when a duplicate is found, not once per row.
PERSONAL_ID = gettext_lazy("personal ID")
CHILD_REF = gettext_lazy("child reference")
SAME_CHILD = gettext_lazy("child (name, date of birth, sex, commune)")


def _ethnicity(value: Any) -> str | None:
    if cells.is_empty(value):
        return None
    code = parse_ethnicity(str(value))
    if code is None:
        raise cells.CellError(_("%(value)s is not a known ethnicity.") % {"value": value})
    return code


def _personal_id(value: Any) -> str:
    text = cells.text(value).replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    # Spreadsheets drop the leading zero of a number.
    return text.zfill(12) if text.isdigit() and len(text) == 11 else text


def by_keys(*, pids: Collection[str] = (), refs: Collection[str] = ()) -> Q:
    """Children with one of the personal IDs or child references (at least one must be given).

    "<> ''" repeats the condition of the partial unique indexes so that the planner uses
    them: without it, past about a hundred keys, a scan of the whole table per batch.
    A child merged into another is no match: its records belong to the kept child.
    """
    found = Q()
    if pids:
        found |= Q(any_of("personal_id", pids)) & ~Q(personal_id="")
    if refs:
        found |= Q(any_of("child_ref", refs)) & ~Q(child_ref="")
    return found & Q(merged_into__isnull=True)


@dataclass(eq=False)
class NewChild:
    """A child the file adds; a model instance only when it is written."""

    values: dict[str, Any]
    unit: Any
    succession: Any
    pk: int | None = None

    def row(self, *, reported_by_id: int | None) -> dict[str, Any]:
        """The child's column values (``Child.save()`` is bypassed: name key and year set here)."""
        return {
            **self.values,
            "commune_id": self.unit.pk,
            "reported_by_id": reported_by_id,
            **current_unit_fields(self.succession),
        }


@register
class ChildrenSpec(KindSpec):
    kind = "children"
    label = gettext_lazy("Children (survey)")
    position = 10
    model = Child
    columns = [
        Column("survey_year", "Năm điều tra", True, cells.parse_year, "2024"),
        Column("commune_code", "Mã xã", True, cells.text, "23281"),
        Column("full_name", "Họ và tên", True, cells.text, "Nguyễn Văn An", 150),
        Column("date_of_birth", "Ngày sinh", True, cells.parse_birth_date, "05/03/2015"),
        Column("sex", "Giới tính", True, cells.parse_sex, "Nam"),
        Column("ethnicity", "Dân tộc", False, _ethnicity, "Kinh"),
        Column("personal_id", "Số định danh cá nhân", False, _personal_id, "062215001234", 12),
        Column("child_ref", "Mã trẻ em", False, cells.text, "KT-2024-0001", 50),
        Column("village", "Thôn / tổ dân phố", False, cells.text, "Thôn 1", 150),
        Column("caregiver_name", "Người chăm sóc", False, cells.text, "Nguyễn Thị Bình", 150),
        Column("caregiver_phone", "Điện thoại người chăm sóc", False, cells.text, "0912345678", 20),
        Column("in_school", "Đang đi học", False, cells.parse_bool, "có"),
        Column("circumstances", "Hoàn cảnh đặc biệt", False, cells.parse_codes, "SC01;SC04"),
        Column("risks", "Nguy cơ", False, cells.parse_codes, "R01"),
        Column("notes", "Ghi chú", False, cells.text, ""),
        *child_consents.COLUMNS,
    ]

    def allowed_codes(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            ("sex", [("M", "Nam"), ("F", "Nữ")]),
            ("ethnicity", list(ETHNICITY_CHOICES)),
            ("circumstances", list(Category.objects.values_list("code", "name"))),
            ("risks", list(RiskFactor.objects.filter(is_active=True).values_list("code", "name"))),
            ("in_school", [("1", "có"), ("0", "không")]),
            *child_consents.allowed_codes(),
        ]

    def _codes(self, ctx: Context) -> tuple[dict[str, int], dict[str, int]]:
        if "categories" not in ctx.caches:
            ctx.caches["categories"] = dict(Category.objects.values_list("code", "pk"))
            ctx.caches["risks"] = dict(RiskFactor.objects.values_list("code", "pk"))
        return ctx.caches["categories"], ctx.caches["risks"]

    def check(self, rows: list[Row], ctx: Context) -> None:
        categories, risks = self._codes(ctx)
        today = dt.date.today()
        # The same dates of birth and survey years recur on many rows: check each pair once.
        birth_errors: dict[tuple, list[str]] = {}
        for row in rows:
            if not row.ok:
                continue
            v = row.values
            birth = v["date_of_birth"]
            year = v["survey_year"]
            key = (birth.date, birth.year, year)
            errors = birth_errors.get(key)
            if errors is None:
                on = min(dt.date(year, 12, 31), today)
                errors = birth_errors[key] = check_birth(date_of_birth=birth.date, birth_year=birth.year, on=on)[0]
            for message in errors:
                row.error("date_of_birth", message)
            if v.get("personal_id"):
                errors, warnings = check_personal_id(v["personal_id"], sex=v["sex"], birth_year=birth.year)
                # An import cannot ask to confirm a warning: a disagreeing ID is an error to fix.
                for message in errors + warnings:
                    row.error("personal_id", message)
            for column, known in (("circumstances", categories), ("risks", risks)):
                unknown = [c for c in v.get(column, []) if c not in known]
                if unknown:
                    row.error(column, _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
            child_consents.check(row, ctx.caches.setdefault("consent_checks", {}))
        successions = self.resolve_units(
            rows,
            ctx,
            column="commune_code",
            on=lambda r: [dt.date(r.values["survey_year"], 12, 31), dt.date(r.values["survey_year"], 1, 1)],
        )
        live = [r for r in rows if r.ok]
        for row in live:
            v = row.values
            unit = row.payload["unit"]
            row.payload["succession"] = successions[unit.pk]
            row.payload["name_key"] = fold(v["full_name"])
            year = v["survey_year"]
            if v.get("personal_id"):
                ctx.claim(("pid", v["personal_id"], year), row, "personal_id", PERSONAL_ID)
            if v.get("child_ref"):
                ctx.claim(("ref", v["child_ref"], year), row, "child_ref", CHILD_REF)
            birth = v["date_of_birth"]
            ctx.claim(
                ("name", row.payload["name_key"], birth.date, birth.year, v["sex"], unit.pk, year),
                row,
                "full_name",
                SAME_CHILD,
            )
        live = [r for r in live if r.ok]
        self._match(live, ctx)
        self._plan(live, ctx)
        child_consents.plan(live)

    # Existing rows are read as plain values (not model instances): a batch of 2,000 rows
    # matches 2,000 children, and building instances was most of the preview's time.
    CHILD_ATTNAMES = [
        "full_name",
        "name_folded",
        "date_of_birth",
        "birth_year",
        "birth_year_only",
        "sex",
        "ethnicity",
        "personal_id",
        "child_ref",
        "pending_personal_id",
        "pending_child_ref",
        "village",
        "caregiver_name",
        "caregiver_phone",
        "in_school",
        "notes",
        "commune_id",
        "current_unit_id",
        "current_unit_to_review",
    ]

    MATCH_FIELDS = ("id", *CHILD_ATTNAMES)

    def _match(self, rows: list[Row], ctx: Context) -> None:
        pids = {r.values["personal_id"] for r in rows if r.values.get("personal_id")}
        refs = {r.values["child_ref"] for r in rows if r.values.get("child_ref")}
        by_pid: dict[str, dict] = {}
        by_ref: dict[str, dict] = {}
        if pids or refs:
            # Matching sees every child (keys are unique), scope is checked on the match.
            for child in Child.objects.filter(by_keys(pids=pids, refs=refs)).order_by().values(*self.MATCH_FIELDS):
                if child["personal_id"] in pids:
                    by_pid[child["personal_id"]] = child
                if child["child_ref"] in refs:
                    by_ref[child["child_ref"]] = child
        # A key held by a child out of the user's scope is no match: the row is a new child that
        # holds the value for a province duplicate review, and the preview says nothing of it
        # (cases/identifiers.py, docs/contract/data-protection.md).
        key_match: dict[int, dict | None] = {}
        for row in rows:
            held: dict[str, str] = {}
            found: dict | None = None
            for field, index in (("personal_id", by_pid), ("child_ref", by_ref)):
                holder = index.get(row.values.get(field) or "")
                if holder is None:
                    continue
                if ctx.in_scope_id(holder["commune_id"], holder["current_unit_id"]):
                    found = found or holder
                else:
                    held[field] = row.values[field]
            row.payload["held"] = held
            key_match[row.number] = found
        # Rows matched by a unique key need no name lookup.
        rest = [r for r in rows if key_match[r.number] is None]
        by_name: dict[tuple[str, int], list[dict]] = defaultdict(list)
        if rest:
            names = {r.payload["name_key"] for r in rest}
            years = {r.values["date_of_birth"].year for r in rest}
            units = {r.payload["unit"].pk for r in rest} | {
                r.payload["succession"].current.pk for r in rest if r.payload["succession"].current
            }
            candidates = Child.objects.filter(
                any_of("name_folded", names), any_of("birth_year", years), merged_into__isnull=True
            ).filter(Q(any_of("commune_id", units)) | Q(any_of("current_unit_id", units)))
            with without_bitmap_scans():
                for child in candidates.order_by().values(*self.MATCH_FIELDS):
                    by_name[(child["name_folded"], child["birth_year"])].append(child)
        for row in rows:
            v = row.values
            child = key_match[row.number]
            birth = v["date_of_birth"]
            unit = row.payload["unit"]
            current = row.payload["succession"].current
            # Only a row without a key match looks at children of the same name and place.
            same_place = (
                [
                    c
                    for c in by_name.get((row.payload["name_key"], birth.year), ())
                    if (c["commune_id"] == unit.pk or (current is not None and c["current_unit_id"] == current.pk))
                    and ctx.in_scope_id(c["commune_id"], c["current_unit_id"])
                ]
                if child is None
                else ()
            )
            if child is None:
                for candidate in same_place:
                    same_birth = (
                        candidate["date_of_birth"] == birth.date
                        if birth.date and not candidate["birth_year_only"]
                        else candidate["birth_year_only"] and birth.date is None
                    )
                    if same_birth and candidate["sex"] == v["sex"]:
                        child = candidate
                        break
            if child is not None and v.get("personal_id") and child["personal_id"] not in ("", v["personal_id"]):
                row.error(
                    "personal_id",
                    _("The matched child has another personal ID (%(pid)s).") % {"pid": child["personal_id"]},
                )
                continue
            row.payload["existing"] = child
            if child is None:
                for candidate in same_place:
                    if ctx.in_scope_id(candidate["commune_id"], candidate["current_unit_id"]):
                        ctx.duplicates.append(
                            {
                                "row": row.number,
                                "full_name": v["full_name"],
                                "child_id": candidate["id"],
                                "existing": f"{candidate['full_name']} ({candidate['birth_year']})",
                                "reason": _("Same name, year of birth and commune; other sex or date of birth."),
                            }
                        )

    def _child_values(self, row: Row) -> dict[str, Any]:
        v = row.values
        birth = v["date_of_birth"]
        values: dict[str, Any] = {
            "full_name": v["full_name"],
            "name_folded": row.payload["name_key"],
            **birth_fields(date_of_birth=birth.date, birth_year=birth.year),
            "sex": v["sex"],
        }
        # Empty optional cells keep what an earlier survey recorded.
        for key in ("ethnicity", "personal_id", "child_ref", "village", "caregiver_name", "caregiver_phone", "notes"):
            if v.get(key):
                values[key] = v[key]
        for field, value in row.payload.get("held", {}).items():
            values.pop(field, None)
            values[f"pending_{field}"] = value
        if v.get("in_school") is not None:
            values["in_school"] = v["in_school"]
        return values

    RECORD_VALUES = (
        "id",
        "child_id",
        "survey_year",
        "commune_id",
        "village",
        "in_school",
        "notes",
        "current_unit_id",
        "current_unit_to_review",
    )

    def _plan(self, rows: list[Row], ctx: Context) -> None:
        categories, risks = self._codes(ctx)
        matched = {r.payload["existing"]["id"]: r.payload["existing"] for r in rows if r.payload.get("existing")}
        records: dict[tuple[int, int], dict] = {}
        links: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
        if matched:
            ids = list(matched)
            for record in SurveyRecord.objects.filter(any_of("child_id", ids)).order_by().values(*self.RECORD_VALUES):
                records[(record["child_id"], record["survey_year"])] = record
            record_ids = [r["id"] for r in records.values()]
            if record_ids:
                through_c = SurveyRecord.categories.through.objects.filter(any_of("surveyrecord_id", record_ids))
                for linked_id, category_id in through_c.values_list("surveyrecord_id", "category_id"):
                    links[linked_id][0].add(category_id)
                through_r = SurveyRecord.risks.through.objects.filter(any_of("surveyrecord_id", record_ids))
                for linked_id, risk_id in through_r.values_list("surveyrecord_id", "riskfactor_id"):
                    links[linked_id][1].add(risk_id)
        latest_year: dict[int, int] = {}
        for child_id, year in records:
            latest_year[child_id] = max(year, latest_year.get(child_id, 0))
        # Rows of one new child for several survey years share one new Child.
        pending: dict[tuple, NewChild] = {}
        now = timezone.now()
        for row in rows:
            v = row.values
            existing = row.payload.get("existing")
            unit = row.payload["unit"]
            succession = row.payload["succession"]
            values = self._child_values(row)
            wanted_c = {categories[c] for c in v.get("circumstances", [])}
            wanted_r = {risks[c] for c in v.get("risks", [])}
            record_values = {
                "commune_id": unit.pk,
                "village": v.get("village", ""),
                "in_school": v.get("in_school"),
                "notes": v.get("notes", ""),
            }
            child: dict | NewChild | None = None
            child_changed = False
            if existing is None:
                keys = self._identity_keys(row)
                # The new child is built only when written; a preview needs none.
                child = next((pending[k] for k in keys if k in pending), None)
                if child is None:
                    child = NewChild(values=values, unit=unit, succession=succession)
                    child_changed = True
                    pending.update(dict.fromkeys(keys, child))
                row.action = NEW
                record = None
            else:
                have = existing
                if v["survey_year"] >= latest_year.get(existing["id"], 0):
                    values["commune_id"] = unit.pk
                    kept = keeps_current_unit(was=have["commune_id"], recorded=unit.pk, current=have["current_unit_id"])
                    if not kept:
                        values.update(current_unit_fields(succession))
                differs = {k: val for k, val in values.items() if have.get(k) != val}
                if differs:
                    # A plain dict of the whole row: the database write needs no instance.
                    child = {**have, **differs, "updated_at": now}
                    child_changed = True
                row.action = UPDATED if differs else UNCHANGED
                row.payload["child_differs"] = tuple(differs)
                record = records.get((existing["id"], v["survey_year"]))
            if record is not None and keeps_current_unit(
                was=record["commune_id"], recorded=unit.pk, current=record["current_unit_id"]
            ):
                record_values["current_unit_id"] = record["current_unit_id"]
                record_values["current_unit_to_review"] = record["current_unit_to_review"]
            else:
                record_values.update(current_unit_fields(succession))
            if record is None:
                record_changed = True
                record_id = None
            else:
                have_c, have_r = links.get(record["id"], (set(), set()))
                record_changed = (
                    any(record[k] != val for k, val in record_values.items())
                    or have_c != wanted_c
                    or have_r != wanted_r
                )
                record_id = record["id"]
            if record_changed and row.action == UNCHANGED:
                row.action = UPDATED
            row.payload.update(
                child=child,
                child_id=existing["id"] if existing else None,
                child_changed=child_changed,
                record_id=record_id,
                record_values=record_values,
                record_changed=record_changed,
                categories=wanted_c,
                risks=wanted_r,
            )

    def _identity_keys(self, row: Row) -> list[tuple]:
        v = row.values
        birth = v["date_of_birth"]
        keys: list[tuple] = [
            ("name", row.payload["name_key"], birth.date, birth.year, v["sex"], row.payload["unit"].pk)
        ]
        if v.get("personal_id"):
            keys.append(("pid", v["personal_id"]))
        if v.get("child_ref"):
            keys.append(("ref", v["child_ref"]))
        return keys

    CHILD_FIELDS = [
        "full_name",
        "name_folded",
        "date_of_birth",
        "birth_year",
        "birth_year_only",
        "sex",
        "ethnicity",
        "personal_id",
        "child_ref",
        "village",
        "caregiver_name",
        "caregiver_phone",
        "in_school",
        "notes",
        "commune",
        "current_unit",
        "current_unit_to_review",
    ]
    RECORD_FIELDS = ["commune", "village", "in_school", "notes", "current_unit", "current_unit_to_review"]

    def write(self, rows: list[Row], ctx: Context) -> None:
        rows = [r for r in rows if r.action in (NEW, UPDATED)]
        reporter = recorded_user(ctx.user)
        reporter_id = reporter.pk if reporter else None
        new_children = list({id(c): c for r in rows for c in [r.payload["child"]] if isinstance(c, NewChild)}.values())
        ids = bulk_insert_values(Child, [c.row(reported_by_id=reporter_id) for c in new_children])
        for new, pk in zip(new_children, ids, strict=True):
            new.pk = pk
        changed_children = list({id(c): c for r in rows for c in [r.payload["child"]] if isinstance(c, dict)}.values())
        if changed_children:
            # Only the columns that changed: untouched indexed columns keep updates cheap.
            touched = {name.removesuffix("_id") for r in rows for name in r.payload.get("child_differs", ())}
            fields = [f for f in self.CHILD_FIELDS if f in touched]
            bulk_update_values(Child, changed_children, [*fields, "updated_at"])
        record_rows = [r for r in rows if r.payload["record_changed"]]
        new_records, changed_records = [], []
        for row in record_rows:
            child_id = row.payload["child_id"] or row.payload["child"].pk
            row.payload["child_id"] = child_id
            values = {"child_id": child_id, "survey_year": row.values["survey_year"], **row.payload["record_values"]}
            if row.payload["record_id"] is None:
                new_records.append((row, values))
            else:
                changed_records.append({"id": row.payload["record_id"], **values})
        ids = bulk_insert_values(SurveyRecord, [values for _row, values in new_records])
        for (row, _values), pk in zip(new_records, ids, strict=True):
            row.payload["record_id"] = pk
        if changed_records:
            bulk_update_values(SurveyRecord, changed_records, self.RECORD_FIELDS)
        # Links are replaced only on records that existed; new records have none.
        record_ids = [r["id"] for r in changed_records]
        through_c = SurveyRecord.categories.through
        through_r = SurveyRecord.risks.through
        if record_ids:
            through_c.objects.filter(any_of("surveyrecord_id", record_ids)).delete()
            through_r.objects.filter(any_of("surveyrecord_id", record_ids)).delete()
        through_c.objects.bulk_create(
            [
                through_c(surveyrecord_id=r.payload["record_id"], category_id=c)
                for r in record_rows
                for c in r.payload["categories"]
            ]
        )
        through_r.objects.bulk_create(
            [
                through_r(surveyrecord_id=r.payload["record_id"], riskfactor_id=c)
                for r in record_rows
                for c in r.payload["risks"]
            ]
        )
        child_consents.write(rows, user_id=reporter_id, file_name=ctx.file_name)
        # Bulk link writes send no m2m_changed: the records' flags are refreshed here.
        all_survey_records().filter(any_of("id", [r.payload["record_id"] for r in record_rows])).refresh_flags()
        today = dt.date.today()
        ChildCategory.objects.bulk_create(
            [
                ChildCategory(
                    child_id=r.payload["child_id"],
                    category_id=c,
                    recorded_on=min(dt.date(r.values["survey_year"], 12, 31), today),
                    survey_id=r.payload["record_id"],
                )
                for r in record_rows
                for c in r.payload["categories"]
            ],
            ignore_conflicts=True,
        )
        child_risks = Child.risks.through
        child_risks.objects.bulk_create(
            [
                child_risks(child_id=r.payload["child_id"], riskfactor_id=c)
                for r in record_rows
                for c in r.payload["risks"]
            ],
            ignore_conflicts=True,
        )
