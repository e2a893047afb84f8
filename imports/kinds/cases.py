"""``cases``: cases under case management; the same ``case_ref`` is the same case."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from cases.models import Case, Category, Child
from imports import cells

from .base import NEW, UNCHANGED, UPDATED, Column, Context, KindSpec, Row, changed, set_current_unit
from .children import _personal_id
from .events import scoped_models_by_code

FIELDS = ["child", "commune", "opened_on", "status", "closed_on", "outcome", "emergency", "model", "notes"]


def _status(value: Any) -> str | None:
    return cells.parse_choice(value, dict(Case.Status.choices))


def _outcome(value: Any) -> str | None:
    return cells.parse_choice(value, dict(Case.Outcome.choices))


class CasesSpec(KindSpec):
    kind = "cases"
    model = Case
    columns = [
        Column("case_ref", "Số hồ sơ", True, cells.text, "QLTH-2024-001", 50),
        Column("child_ref", "Mã trẻ em", False, cells.text, "KT-2024-0001"),
        Column("personal_id", "Số định danh cá nhân", False, _personal_id, ""),
        Column("commune_code", "Mã xã", True, cells.text, "23281"),
        Column("opened_on", "Ngày mở hồ sơ", True, cells.parse_date, "10/04/2024"),
        Column("status", "Trạng thái", False, _status, "received"),
        Column("closed_on", "Ngày đóng hồ sơ", False, cells.parse_date, ""),
        Column("outcome", "Kết quả", False, _outcome, ""),
        Column("circumstances", "Hoàn cảnh đặc biệt", False, cells.parse_codes, "SC09"),
        Column("emergency", "Khẩn cấp", False, cells.parse_bool, "0"),
        Column("model_code", "Mã mô hình", False, cells.text, ""),
        Column("notes", "Ghi chú", False, cells.text, ""),
    ]

    def allowed_codes(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            ("status", [(k, str(label)) for k, label in Case.Status.choices]),
            ("outcome", [(k, str(label)) for k, label in Case.Outcome.choices]),
            ("circumstances", list(Category.objects.values_list("code", "name"))),
        ]

    def check(self, rows: list[Row], ctx: Context) -> None:
        if "categories" not in ctx.caches:
            ctx.caches["categories"] = dict(Category.objects.values_list("code", "pk"))
        categories = ctx.caches["categories"]
        for row in rows:
            v = row.values
            if not row.ok:
                continue
            if not v.get("child_ref") and not v.get("personal_id"):
                row.error("child_ref", _("Give the child's reference or personal ID."), "")
            if v.get("closed_on") and v["closed_on"] < v["opened_on"]:
                row.error("closed_on", _("The case closes before it opens."))
            status = v.get("status") or Case.Status.RECEIVED
            if v.get("outcome") and status != Case.Status.CLOSED:
                row.error("outcome", _("Only a closed case has an outcome."))
            if status == Case.Status.CLOSED and not (v.get("closed_on") and v.get("outcome")):
                row.error("status", _("A closed case needs its closing date and outcome."))
            unknown = [c for c in v.get("circumstances", []) if c not in categories]
            if unknown:
                row.error("circumstances", _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
        successions = self.resolve_units(rows, ctx, column="commune_code", on=lambda r: r.values["opened_on"])
        live = [r for r in rows if r.ok]
        for row in live:
            ctx.claim(("case", row.values["case_ref"]), row, "case_ref", _("case number"))
        live = [r for r in live if r.ok]
        refs = {r.values["child_ref"] for r in live if r.values.get("child_ref")}
        pids = {r.values["personal_id"] for r in live if r.values.get("personal_id")}
        children = list(Child.objects.filter(Q(child_ref__in=refs) | Q(personal_id__in=pids))) if live else []
        by_ref = {c.child_ref: c for c in children if c.child_ref and ctx.in_scope_id(c.commune_id, c.current_unit_id)}
        by_pid = {
            c.personal_id: c for c in children if c.personal_id and ctx.in_scope_id(c.commune_id, c.current_unit_id)
        }
        models = scoped_models_by_code({r.values["model_code"] for r in live if r.values.get("model_code")}, ctx)
        existing = {c.case_ref: c for c in Case.objects.filter(case_ref__in={r.values["case_ref"] for r in live})}
        links: dict[int, set[int]] = {}
        for case_id, category_id in Case.circumstances.through.objects.filter(
            case_id__in=[c.pk for c in existing.values()]
        ).values_list("case_id", "category_id"):
            links.setdefault(case_id, set()).add(category_id)
        for row in live:
            v = row.values
            child = by_ref.get(v.get("child_ref") or "") or by_pid.get(v.get("personal_id") or "")
            if child is None:
                column = "child_ref" if v.get("child_ref") else "personal_id"
                row.error(column, _("No child with this reference or personal ID."))
                continue
            if v.get("model_code") and v["model_code"] not in models:
                row.error("model_code", _("Unknown protection model %(code)s.") % {"code": v["model_code"]})
                continue
            unit = row.payload["unit"]
            values = {
                "child_id": child.pk,
                "commune_id": unit.pk,
                "opened_on": v["opened_on"],
                "status": v.get("status") or Case.Status.RECEIVED,
                "closed_on": v.get("closed_on"),
                "outcome": v.get("outcome") or "",
                "emergency": bool(v.get("emergency")),
                "model_id": models[v["model_code"]].pk if v.get("model_code") else None,
                "notes": v.get("notes") or "",
            }
            wanted = {categories[c] for c in v.get("circumstances", [])}
            instance = existing.get(v["case_ref"])
            if instance is None:
                instance = Case(case_ref=v["case_ref"], reported_by=ctx.user if ctx.user.pk else None, **values)
                row.action = NEW
            elif not ctx.in_scope_id(instance.commune_id, instance.current_unit_id):
                row.error("case_ref", _("This value is already used by another record."))
                continue
            else:
                differs = changed(instance, values) or links.get(instance.pk, set()) != wanted
                row.action = UPDATED if differs else UNCHANGED
            set_current_unit(instance, successions[unit.pk])
            row.payload.update(instance=instance, categories=wanted)

    def write(self, rows: list[Row], ctx: Context) -> None:
        rows = [r for r in rows if r.action in (NEW, UPDATED)]
        instances = [r.payload["instance"] for r in rows]
        Case.objects.bulk_create(
            instances,
            update_conflicts=True,
            unique_fields=["case_ref"],
            update_fields=[*FIELDS, "current_unit", "current_unit_to_review"],
        )
        through = Case.circumstances.through
        through.objects.filter(case_id__in=[c.pk for c in instances]).delete()
        through.objects.bulk_create(
            [through(case_id=r.payload["instance"].pk, category_id=c) for r in rows for c in r.payload["categories"]]
        )
