"""``events``: outreach events; same ``event_ref``, else same date + unit + kind + venue + topic."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.types import recorded_user
from imports import cells
from imports.kind import NEW, UNCHANGED, UPDATED, Column, Context, KindSpec, Row, changed, set_current_unit
from imports.registry import register
from locations.text import fold
from outreach.models import OutreachEvent
from programs.import_kinds.protection_models import scoped_models_by_code

FIELDS = ["participants_total", "participants_children", "participants_female", "model", "event_ref"]


def _kind(value: Any) -> str | None:
    return cells.parse_choice(value, dict(OutreachEvent.Kind.choices))


def _venue(value: Any) -> str | None:
    return cells.parse_choice(value, dict(OutreachEvent.Venue.choices))


@register
class EventsSpec(KindSpec):
    kind = "events"
    label = gettext_lazy("Outreach events")
    position = 50
    model = OutreachEvent
    columns = [
        Column("date", "Ngày", True, cells.parse_date, "20/05/2024"),
        Column("unit_code", "Mã đơn vị", True, cells.text, "23281"),
        Column("kind", "Loại hoạt động", True, _kind, "talk"),
        Column("venue", "Địa điểm", True, _venue, "school"),
        Column("topic", "Chủ đề", True, cells.text, "Phòng chống xâm hại trẻ em", 255),
        Column("participants_total", "Tổng số người tham dự", True, cells.parse_int, "120"),
        Column("participants_children", "Trong đó trẻ em", False, cells.parse_int, "80"),
        Column("participants_female", "Trong đó nữ", False, cells.parse_int, "70"),
        Column("model_code", "Mã mô hình", False, cells.text, ""),
        Column("event_ref", "Mã hoạt động", False, cells.text, "TT-2024-001", 50),
    ]

    def allowed_codes(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            ("kind", [(k, str(label)) for k, label in OutreachEvent.Kind.choices]),
            ("venue", [(k, str(label)) for k, label in OutreachEvent.Venue.choices]),
        ]

    def check(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            v = row.values
            if not row.ok:
                continue
            for part in ("participants_children", "participants_female"):
                if (v.get(part) or 0) > v["participants_total"]:
                    row.error(part, _("More than the participants in total."))
        successions = self.resolve_units(rows, ctx, column="unit_code", on=lambda r: r.values["date"], level=None)
        models = scoped_models_by_code(
            {r.values["model_code"] for r in rows if r.ok and r.values.get("model_code")}, ctx
        )
        live = [r for r in rows if r.ok]
        for row in live:
            v = row.values
            if v.get("model_code") and v["model_code"] not in models:
                row.error("model_code", _("Unknown protection model %(code)s.") % {"code": v["model_code"]})
                continue
            row.payload["natural"] = (v["date"], row.payload["unit"].pk, v["kind"], v["venue"], fold(v["topic"]))
            if v.get("event_ref"):
                ctx.claim(("event_ref", v["event_ref"]), row, "event_ref", _("event reference"))
            ctx.claim(("event", *row.payload["natural"]), row, "topic", _("date, unit, kind, venue and topic"))
        live = [r for r in live if r.ok]
        refs = {r.values["event_ref"] for r in live if r.values.get("event_ref")}
        by_ref: dict[str, OutreachEvent] = {}
        by_natural: dict[tuple, OutreachEvent] = {}
        if live:
            found = OutreachEvent.objects.filter(
                Q(event_ref__in=refs)
                | Q(date__in={r.values["date"] for r in live}, unit_id__in={r.payload["unit"].pk for r in live})
            )
            for event in found:
                if event.event_ref:
                    by_ref[event.event_ref] = event
                by_natural[(event.date, event.unit_id, event.kind, event.venue, fold(event.topic))] = event
        for row in live:
            v = row.values
            unit = row.payload["unit"]
            values = {
                "participants_total": v["participants_total"],
                "participants_children": v.get("participants_children") or 0,
                "participants_female": v.get("participants_female") or 0,
                "model_id": models[v["model_code"]].pk if v.get("model_code") else None,
            }
            instance = by_ref.get(v.get("event_ref") or "") or by_natural.get(row.payload["natural"])
            was = instance.unit_id if instance is not None else None
            if instance is None:
                instance = OutreachEvent(
                    date=v["date"],
                    unit=unit,
                    kind=v["kind"],
                    venue=v["venue"],
                    topic=v["topic"],
                    event_ref=v.get("event_ref") or "",
                    created_by=recorded_user(ctx.user),
                    **values,
                )
                row.action = NEW
            elif not ctx.in_scope_id(instance.unit_id, instance.current_unit_id):
                row.error("event_ref", _("This value is already used by another record."))
                continue
            else:
                values.update(date=v["date"], unit_id=unit.pk, kind=v["kind"], venue=v["venue"], topic=v["topic"])
                if v.get("event_ref"):
                    values["event_ref"] = v["event_ref"]
                row.action = UPDATED if changed(instance, values) else UNCHANGED
            set_current_unit(instance, successions[unit.pk], was=was)
            row.payload["instance"] = instance

    def write(self, rows: list[Row], ctx: Context) -> None:
        OutreachEvent.objects.bulk_create([r.payload["instance"] for r in rows if r.action == NEW])
        updated = [r.payload["instance"] for r in rows if r.action == UPDATED]
        if updated:
            OutreachEvent.objects.bulk_update(
                updated, [*FIELDS, "date", "unit", "kind", "venue", "topic", "current_unit", "current_unit_to_review"]
            )
