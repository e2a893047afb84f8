"""``incidents``: incidents of abuse of a case; the same case + date + setting is the same incident.

``forms`` holds one or more keys (or names) of the forms of abuse separated by ``;``; ``setting``
one key (or name) of the settings. The incident is recorded in its case's commune, and follows
the rules of ``cases.incident_services.incident_save``: the model's (``Incident.clean``: not in
the future, not before the child's birth) judge the row.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.types import recorded_user
from cases.incidents import AbuseForm, AbuseSetting, Incident
from cases.models import Case
from imports import cells
from imports.kind import NEW, UNCHANGED, UPDATED, Column, Context, KindSpec, Row, changed, clean_row
from imports.registry import register
from locations.text import fold

FIELDS = ["perpetrator_relation", "reported_to_police", "handling"]


def _keys(value: Any) -> list[str]:
    """Keys or names separated by ``;`` (commas tolerated), folded for matching."""
    if cells.is_empty(value):
        return []
    return sorted({fold(part) for part in str(value).replace(",", ";").split(";") if part.strip()})


def _key(value: Any) -> str:
    return fold(cells.text(value))


def _handling(value: Any) -> str | None:
    return cells.parse_choice(value, dict(Incident.Handling.choices))


def _lookup(model: type[AbuseForm] | type[AbuseSetting]) -> dict[str, int]:
    """Folded key and folded name → id, rows in use only."""
    lookup: dict[str, int] = {}
    for pk, key, name in model.objects.filter(is_active=True).values_list("pk", "key", "name"):
        lookup[fold(name)] = pk
        lookup[fold(key)] = pk
    return lookup


@register
class IncidentsSpec(KindSpec):
    kind = "incidents"
    label = gettext_lazy("Incidents of abuse")
    position = 70
    model = Incident
    columns = [
        Column("case_ref", "Số hồ sơ", True, cells.text, "QLTH-2024-001", 50),
        Column("date", "Ngày xảy ra", True, cells.parse_date, "02/04/2024"),
        Column("forms", "Hình thức xâm hại", True, _keys, "violence;sexual_abuse"),
        Column("setting", "Nơi xảy ra", True, _key, "family"),
        Column("perpetrator_relation", "Quan hệ của người gây hại với trẻ", False, cells.text, "Hàng xóm", 100),
        Column("reported_to_police", "Đã báo công an", False, cells.parse_bool, "1"),
        Column("handling", "Xử lý", False, _handling, "none_yet"),
    ]

    def allowed_codes(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            ("forms", list(AbuseForm.objects.filter(is_active=True).values_list("key", "name"))),
            ("setting", list(AbuseSetting.objects.filter(is_active=True).values_list("key", "name"))),
            ("handling", [(k, str(label)) for k, label in Incident.Handling.choices]),
        ]

    def check(self, rows: list[Row], ctx: Context) -> None:
        if "abuse_forms" not in ctx.caches:
            ctx.caches["abuse_forms"] = _lookup(AbuseForm)
            ctx.caches["abuse_settings"] = _lookup(AbuseSetting)
        forms, settings = ctx.caches["abuse_forms"], ctx.caches["abuse_settings"]
        live = [r for r in rows if r.ok]
        refs = {r.values["case_ref"] for r in live}
        cases = {c.case_ref: c for c in Case.objects.filter(case_ref__in=refs).select_related("child")} if refs else {}
        for row in live:
            v = row.values
            case = cases.get(v["case_ref"])
            if case is None or not ctx.in_scope_id(case.commune_id, case.current_unit_id):
                # Out of scope reads exactly like a case that does not exist.
                row.error("case_ref", _("Unknown case %(ref)s.") % {"ref": v["case_ref"]})
                continue
            unknown = [key for key in v["forms"] if key not in forms]
            if unknown:
                row.error("forms", _("Unknown form of abuse: %(keys)s.") % {"keys": ", ".join(unknown)})
            if v["setting"] not in settings:
                row.error("setting", _("Unknown setting: %(key)s.") % {"key": v["setting"]})
            # The case and its child are loaded: the model's rules need no query.
            clean_row(row, Incident(case=case, date=v["date"]), {"date": "date"})
            if not row.ok:
                continue
            row.payload["case"] = case
            row.payload["forms"] = sorted({forms[key] for key in v["forms"]})
            row.payload["natural"] = (case.pk, v["date"], settings[v["setting"]])
            ctx.claim(("incident", *row.payload["natural"]), row, "date", _("case, date and setting"))
        live = [r for r in live if r.ok]
        existing: dict[tuple, Incident] = {}
        if live:
            found = Incident.objects.filter(
                case_id__in={r.payload["case"].pk for r in live}, date__in={r.values["date"] for r in live}
            ).prefetch_related("forms")
            existing = {(i.case_id, i.date, i.setting_id): i for i in found}
        for row in live:
            v = row.values
            values = {
                "perpetrator_relation": v.get("perpetrator_relation") or "",
                "reported_to_police": bool(v.get("reported_to_police")),
                "handling": v.get("handling") or Incident.Handling.NONE_YET,
            }
            instance = existing.get(row.payload["natural"])
            if instance is None:
                case = row.payload["case"]
                instance = Incident(
                    case=case,
                    commune_id=case.commune_id,
                    date=v["date"],
                    setting_id=row.payload["natural"][2],
                    recorded_by=recorded_user(ctx.user),
                    **values,
                )
                row.action = NEW
            else:
                forms_differ = sorted(f.pk for f in instance.forms.all()) != row.payload["forms"]
                row.action = UPDATED if changed(instance, values) or forms_differ else UNCHANGED
            row.payload["instance"] = instance

    def write(self, rows: list[Row], ctx: Context) -> None:
        new = [r for r in rows if r.action == NEW]
        updated = [r for r in rows if r.action == UPDATED]
        Incident.objects.bulk_create([r.payload["instance"] for r in new])
        if updated:
            Incident.objects.bulk_update([r.payload["instance"] for r in updated], FIELDS)
        through = Incident.forms.through
        touched = [r for r in [*new, *updated]]
        through.objects.filter(incident_id__in=[r.payload["instance"].pk for r in updated]).delete()
        through.objects.bulk_create(
            [
                through(incident_id=r.payload["instance"].pk, abuseform_id=form_id)
                for r in touched
                for form_id in r.payload["forms"]
            ]
        )
