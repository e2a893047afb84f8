"""``models``: protection models; the same ``code`` is the same model."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports import cells
from imports.kind import (
    NEW,
    UNCHANGED,
    UPDATED,
    Column,
    Context,
    KindSpec,
    Row,
    changed,
    clean_row,
    scoped_by_key,
    set_current_unit,
)
from imports.registry import register
from locations.models import Unit
from programs.models import ProtectionModel
from scope.archive import archived_taken_message
from scope.core import with_archived

FIELDS = ["name", "kind", "unit", "established_on", "ended_on", "host", "decision_no", "members_count"]
CBCP = ProtectionModel.Kind.CBCP_SYSTEM
# The file's column of each field ``ProtectionModel.clean()`` may refuse.
COLUMN_OF = {"unit": "unit_code", "established_on": "established_on", "ended_on": "ended_on"}


def _kind(value: Any) -> str | None:
    return cells.parse_choice(value, dict(ProtectionModel.Kind.choices))


def scoped_models_by_code(codes: set[str], ctx: Context) -> dict[str, ProtectionModel]:
    """Protection models by code, only those inside the scope (one query)."""
    return scoped_by_key(ProtectionModel, "code", codes, ctx)


def _overlap(start: dt.date, end: dt.date | None, other_start: dt.date, other_end: dt.date | None) -> bool:
    return (end is None or other_start <= end) and (other_end is None or other_end >= start)


@register
class ModelsSpec(KindSpec):
    kind = "models"
    label = gettext_lazy("Protection models")
    position = 30
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
        # An archived model keeps its code: the row is refused, not matched nor duplicated.
        archived = set(
            with_archived(ProtectionModel)
            .filter(code__in={r.values["code"] for r in live}, archived_at__isnull=False)
            .values_list("code", flat=True)
        )
        for row in live:
            if row.values["code"] in archived:
                row.error("code", archived_taken_message(ProtectionModel(), _("code")))
                continue
            unit = row.payload["unit"]
            values = {k: row.values.get(k) for k in FIELDS if k != "unit"}
            values["host"] = values["host"] or ""
            values["decision_no"] = values["decision_no"] or ""
            values["unit_id"] = unit.pk
            instance = existing.get(row.values["code"])
            was = instance.unit_id if instance is not None else None
            if instance is None:
                instance = ProtectionModel(code=row.values["code"], **values)
                row.action = NEW
            elif not ctx.in_scope_id(instance.unit_id, instance.current_unit_id):
                row.error("code", _("This value is already used by another record."))
                continue
            else:
                row.action = UPDATED if changed(instance, values) else UNCHANGED
            # The unit in hand, so that ``clean()`` reads its level without a query.
            instance.unit = unit
            # ``clean()`` looks for an overlapping system (a query) only for a cbcp_system on a
            # commune; those are checked for the whole batch by ``_check_cbcp``.
            if instance.kind != CBCP or unit.level != Unit.Level.COMMUNE:
                clean_row(row, instance, COLUMN_OF)
                if not row.ok:
                    continue
            set_current_unit(instance, successions[unit.pk], was=was)
            row.payload["instance"] = instance
        self._check_cbcp(live, ctx)

    def _check_cbcp(self, rows: list[Row], ctx: Context) -> None:
        """``ProtectionModel.clean()``'s one cbcp_system per commune at a time, in one query.

        A row's period is compared with the stored systems of its commune, except those the
        file rewrites, and with the systems of the file's earlier rows.
        """
        codes: set[str] = ctx.caches.setdefault("model_codes", set())
        codes.update(r.values["code"] for r in rows if r.ok)
        systems = [
            r for r in rows if r.ok and r.values["kind"] == CBCP and r.payload["unit"].level == Unit.Level.COMMUNE
        ]
        if not systems:
            return
        filed: dict[int, list[tuple[str, dt.date, dt.date | None]]] = ctx.caches.setdefault(
            "cbcp_periods", defaultdict(list)
        )
        stored: dict[int, list[tuple[str, dt.date, dt.date | None]]] = defaultdict(list)
        units = {r.payload["unit"].pk for r in systems}
        for model in ProtectionModel.objects.filter(kind=CBCP, unit_id__in=units).only(
            "code", "name", "unit_id", "established_on", "ended_on"
        ):
            if model.code not in codes:
                stored[model.unit_id].append((str(model), model.established_on, model.ended_on))
        for row in systems:
            model = row.payload["instance"]
            other = next(
                (
                    name
                    for name, start, end in (*stored[model.unit_id], *filed[model.unit_id])
                    if _overlap(model.established_on, model.ended_on, start, end)
                ),
                None,
            )
            if other is None:
                filed[model.unit_id].append((str(model), model.established_on, model.ended_on))
                continue
            row.error(
                "unit_code",
                _(
                    "This commune already has an active community-based child protection system in that period: "
                    "%(model)s."
                )
                % {"model": other},
            )

    def write(self, rows: list[Row], ctx: Context) -> None:
        # Systems that end go first: a commune's new open cbcp_system is written after the
        # open one it replaces has been closed (the database allows one open at a time).
        instances = sorted(
            (r.payload["instance"] for r in rows if r.action in (NEW, UPDATED)), key=lambda m: m.ended_on is None
        )
        ProtectionModel.objects.bulk_create(
            instances,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[*FIELDS, "current_unit", "current_unit_to_review"],
        )
