"""``commune_stats``: child statistics per commune and survey year; same year + commune = same row."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CommuneStats
from imports import cells
from imports.kind import NEW, UNCHANGED, UPDATED, Column, Context, KindSpec, Row, changed, set_current_unit
from imports.registry import register

COUNTS = ["children_total", "children_male", "children_female", "children_under_6", "special_total", "at_risk_total"]


@register
class CommuneStatsSpec(KindSpec):
    kind = "commune_stats"
    label = gettext_lazy("Commune statistics")
    position = 20
    model = CommuneStats
    columns = [
        Column("survey_year", "Năm điều tra", True, cells.parse_year, "2024"),
        Column("commune_code", "Mã xã", True, cells.text, "23281"),
        Column("children_total", "Tổng số trẻ em", True, cells.parse_int, "1200"),
        Column("children_male", "Trẻ em nam", False, cells.parse_int, "610"),
        Column("children_female", "Trẻ em nữ", False, cells.parse_int, "590"),
        Column("children_under_6", "Trẻ em dưới 6 tuổi", False, cells.parse_int, "300"),
        Column("special_total", "Trẻ em có hoàn cảnh đặc biệt", False, cells.parse_int, "25"),
        Column("at_risk_total", "Trẻ em có nguy cơ", False, cells.parse_int, "60"),
    ]

    def check(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            v = row.values
            if row.ok:
                parts = [v.get(k) for k in ("children_male", "children_female", "children_under_6", "special_total")]
                if any(p is not None and p > v["children_total"] for p in parts):
                    row.error("children_total", _("A part is larger than the total."))
                if (v.get("children_male") or 0) + (v.get("children_female") or 0) > v["children_total"]:
                    row.error("children_total", _("Boys and girls add up to more than the total."))
        successions = self.resolve_units(
            rows,
            ctx,
            column="commune_code",
            on=lambda r: [dt.date(r.values["survey_year"], 12, 31), dt.date(r.values["survey_year"], 1, 1)],
        )
        live = [r for r in rows if r.ok]
        for row in live:
            ctx.claim(
                ("stats", row.values["survey_year"], row.payload["unit"].pk), row, "commune_code", _("year and commune")
            )
        live = [r for r in live if r.ok]
        existing = {
            (s.survey_year, s.commune_id): s
            for s in CommuneStats.objects.filter(
                survey_year__in={r.values["survey_year"] for r in live},
                commune_id__in={r.payload["unit"].pk for r in live},
            )
        }
        for row in live:
            unit = row.payload["unit"]
            values = {k: row.values.get(k) for k in COUNTS}
            instance = existing.get((row.values["survey_year"], unit.pk))
            was = instance.commune_id if instance is not None else None
            if instance is None:
                instance = CommuneStats(survey_year=row.values["survey_year"], commune=unit, **values)
                row.action = NEW
            else:
                row.action = UPDATED if changed(instance, values) else UNCHANGED
            set_current_unit(instance, successions[unit.pk], was=was)
            row.payload["instance"] = instance

    def write(self, rows: list[Row], ctx: Context) -> None:
        CommuneStats.objects.bulk_create(
            [r.payload["instance"] for r in rows if r.action in (NEW, UPDATED)],
            update_conflicts=True,
            unique_fields=["survey_year", "commune"],
            update_fields=[*COUNTS, "current_unit", "current_unit_to_review"],
        )
