"""``attendance``: day-care attendance; the same date + model + child is the same row.

A row for a child not yet enrolled in the model enrolls the child from that date.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.types import recorded_user
from cases.import_kinds.children import by_keys
from cases.models import Child
from imports import cells
from imports.kind import NEW, UNCHANGED, UPDATED, Column, Context, KindSpec, Row, changed, clean_row
from imports.registry import register
from programs.models import Attendance, Enrolment

from .protection_models import scoped_models_by_code

# The file's column of each field ``Enrolment.clean()`` and ``Attendance.clean()`` may refuse.
ENROLMENT_COLUMNS = {"model": "model_code", "child_name": "child_ref", "enrolled_on": "date", "left_on": "date"}
ATTENDANCE_COLUMNS = {"date": "date"}


def _present(value: object) -> bool:
    parsed = cells.parse_bool(value)
    return True if parsed is None else parsed


@register
class AttendanceSpec(KindSpec):
    kind = "attendance"
    label = gettext_lazy("Day-care attendance")
    position = 60
    model = Attendance
    columns = [
        Column("date", "Ngày", True, cells.parse_date, "02/05/2024"),
        Column("model_code", "Mã mô hình", True, cells.text, "MH-BT-01"),
        Column("child_ref", "Mã trẻ em", True, cells.text, "KT-2024-0001"),
        Column("present", "Có mặt", False, _present, "1"),
        Column("services", "Dịch vụ", False, cells.text, "Phục hồi chức năng", 255),
    ]

    def check(self, rows: list[Row], ctx: Context) -> None:
        live = [r for r in rows if r.ok]
        models = scoped_models_by_code({r.values["model_code"] for r in live}, ctx)
        for row in live:
            v = row.values
            if v["model_code"] not in models:
                row.error("model_code", _("Unknown protection model %(code)s.") % {"code": v["model_code"]})
                continue
            ctx.claim(("att", v["date"], v["model_code"], v["child_ref"]), row, "child_ref", _("date, model and child"))
        live = [r for r in live if r.ok]
        refs = {r.values["child_ref"] for r in live}
        children = {
            c.child_ref: c
            for c in (Child.objects.filter(by_keys(refs=refs)) if refs else ())
            if ctx.in_scope_id(c.commune_id, c.current_unit_id)
        }
        by_id = {m.pk: m for m in models.values()}
        model_ids = set(by_id)
        enrolments: dict[tuple[int, str], Enrolment] = {}
        if live:
            found = Enrolment.objects.filter(model_id__in=model_ids).filter(
                Q(child_id__in=[c.pk for c in children.values()]) | Q(child_ref__in=refs)
            )
            # An enrolment of a child not in the registry has no child id: it looks up None and keeps its own ref.
            ref_of: dict[int | None, str] = {c.pk: ref for ref, c in children.items()}
            for enrolment in found:
                # The model and child in hand, so that ``Attendance.clean()`` reads them without a query.
                enrolment.model = by_id[enrolment.model_id]
                if enrolment.child_id in ref_of:
                    enrolment.child = children[ref_of[enrolment.child_id]]
                ref = ref_of.get(enrolment.child_id) or enrolment.child_ref
                enrolments[(enrolment.model_id, ref)] = enrolment
        pending = ctx.caches.setdefault("pending_enrolments", {})
        existing = {}
        ids = [e.pk for e in enrolments.values()]
        if ids:
            dates = {r.values["date"] for r in live}
            for attendance in Attendance.objects.filter(enrolment_id__in=ids, date__in=dates):
                existing[(attendance.enrolment_id, attendance.date)] = attendance
        for row in live:
            v = row.values
            model = models[v["model_code"]]
            key = (model.pk, v["child_ref"])
            stored = enrolments.get(key)
            if stored is not None:
                enrolment = stored
            else:
                child = children.get(v["child_ref"])
                if child is None:
                    row.error("child_ref", _("No child with this reference."))
                    continue
                # Each row of a child not yet enrolled could enrol the child on its date: the
                # enrolment's rules (a day-care model, active that day) apply to every such row.
                enrolment = Enrolment(
                    model=model,
                    child=child,
                    child_name=child.full_name,
                    child_ref=child.child_ref,
                    enrolled_on=v["date"],
                )
                clean_row(row, enrolment, ENROLMENT_COLUMNS)
                if not row.ok:
                    continue
                enrolment = pending.setdefault(key, enrolment)
                enrolment.enrolled_on = min(enrolment.enrolled_on, v["date"])
            values = {"present": v["present"], "services": v.get("services") or ""}
            instance = existing.get((enrolment.pk, v["date"])) if enrolment.pk else None
            if instance is None:
                instance = Attendance(
                    enrolment=enrolment, date=v["date"], recorded_by=recorded_user(ctx.user), **values
                )
                row.action = NEW
            else:
                # The enrolment in hand, so that writing the row does not fetch it again.
                instance.enrolment = enrolment
                row.action = UPDATED if changed(instance, values) else UNCHANGED
            # Rows of a new enrolment were checked above, as enrolments on their dates.
            if enrolment.pk is not None:
                clean_row(row, instance, ATTENDANCE_COLUMNS)
                if not row.ok:
                    continue
            row.payload["instance"] = instance

    def write(self, rows: list[Row], ctx: Context) -> None:
        rows = [r for r in rows if r.action in (NEW, UPDATED)]
        new_enrolments = {id(e): e for r in rows for e in [r.payload["instance"].enrolment] if e.pk is None}
        Enrolment.objects.bulk_create(list(new_enrolments.values()))
        instances = []
        for row in rows:
            instance = row.payload["instance"]
            instance.enrolment_id = instance.enrolment.pk
            instances.append(instance)
        Attendance.objects.bulk_create(
            instances, update_conflicts=True, unique_fields=["enrolment", "date"], update_fields=["present", "services"]
        )
