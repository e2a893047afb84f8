"""``models``: protection models; the same ``code`` is the same model."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from imports import cells
from programs.models import ProtectionModel

from .base import NEW, UNCHANGED, UPDATED, Column, Context, KindSpec, Row, changed, set_current_unit

FIELDS = ["name", "kind", "unit", "established_on", "ended_on", "host", "decision_no", "members_count"]


def _kind(value: Any) -> str | None:
    return cells.parse_choice(value, dict(ProtectionModel.Kind.choices))


class ModelsSpec(KindSpec):
    kind = "models"
    model = ProtectionModel
    columns = [
        Column("code", "Mã mô hình", True, cells.text, "MH-23281-01", 50),
        Column("name", "Tên mô hình", True, cells.text, "Câu lạc bộ quyền trẻ em phường Quang Trung", 255),
        Column("kind", "Loại mô hình", True, _kind, "child_club"),
        Column("unit_code", "Mã đơn vị", True, cells.text, "23281"),
        Column("established_on", "Ngày thành lập", True, cells.parse_date, "15/03/2020"),
        Column("ended_on", "Ngày kết thúc", False, cells.parse_date, ""),
        Column("host", "Cơ quan chủ trì", False, cells.text, "Đoàn thanh niên phường", 255),
        Column("decision_no", "Số quyết định thành lập", False, cells.text, "12/QĐ-UBND", 100),
        Column("members_count", "Số thành viên", False, cells.parse_int, "20"),
    ]

    def allowed_codes(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [("kind", [(k, str(label)) for k, label in ProtectionModel.Kind.choices])]

    def check(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            v = row.values
            if row.ok and v.get("ended_on") and v["ended_on"] < v["established_on"]:
                row.error("ended_on", _("The end is before the establishment."))
        successions = self.resolve_units(
            rows, ctx, column="unit_code", on=lambda r: r.values["established_on"], level=None
        )
        live = [r for r in rows if r.ok]
        for row in live:
            ctx.claim(("model", row.values["code"]), row, "code", _("code"))
        live = [r for r in live if r.ok]
        existing = {m.code: m for m in ProtectionModel.objects.filter(code__in={r.values["code"] for r in live})}
        for row in live:
            unit = row.payload["unit"]
            values = {k: row.values.get(k) for k in FIELDS if k != "unit"}
            values["host"] = values["host"] or ""
            values["decision_no"] = values["decision_no"] or ""
            values["unit_id"] = unit.pk
            instance = existing.get(row.values["code"])
            if instance is None:
                instance = ProtectionModel(code=row.values["code"], **values)
                row.action = NEW
            elif not ctx.in_scope_id(instance.unit_id, instance.current_unit_id):
                row.error("code", _("This value is already used by another record."))
                continue
            else:
                row.action = UPDATED if changed(instance, values) else UNCHANGED
            set_current_unit(instance, successions[unit.pk])
            row.payload["instance"] = instance

    def write(self, rows: list[Row], ctx: Context) -> None:
        ProtectionModel.objects.bulk_create(
            [r.payload["instance"] for r in rows if r.action in (NEW, UPDATED)],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[*FIELDS, "current_unit", "current_unit_to_review"],
        )
