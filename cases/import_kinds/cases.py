"""``cases``: cases under case management; the same ``case_ref`` is the same case.

An imported case follows the rules of a case recorded in the admin (``cases.services``), through
the same functions: an emergency case gets its 12-hour intervention deadline, the model's rules
(``Case.clean``) judge the row, a change of status goes along the workflow's table
(``cases.workflow.import_path``), a new case and every change of status get their workflow step
(``cases.workflow``), and the child's history tells what the file changed (``cases.history``).
Empty optional cells keep what is stored (as in the ``children`` kind).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.types import recorded_user
from cases import history, workflow
from cases.assignment import assignee_check, default_assignee
from cases.models import Case, CaseTransition, Category, ChangeRecord, Child
from cases.validators import check_opening
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
from locations.models import ReformTracked
from scope.archive import archived_taken_message
from scope.core import with_archived

from .children import _personal_id, by_keys

# What a row sets on a case; derived fields follow them (see ``_derive``).
FIELDS = [
    "child",
    "commune",
    "opened_on",
    "reported_at",
    "status",
    "closed_on",
    "outcome",
    "emergency",
    "channel",
    "model",
    "notes",
    "assigned_to",
]
DERIVED = ["intervention_due_at", "assessed_on", "plan_due_on", "current_unit", "current_unit_to_review"]
# The file's column of each field ``Case.clean`` judges.
CLEAN_COLUMNS = {"closed_on": "closed_on", "outcome": "outcome"}


def _status(value: Any) -> str | None:
    return cells.parse_choice(value, dict(Case.Status.choices))


def _channel(value: Any) -> str | None:
    return cells.parse_choice(value, dict(Case.Channel.choices))


def _outcome(value: Any) -> str | None:
    return cells.parse_choice(value, dict(Case.Outcome.choices))


def scoped_models_by_code(codes: set[str], ctx: Context) -> dict[str, Any]:
    """The protection models (those ``Case.model`` points to) by code, inside the scope (one query)."""
    return scoped_by_key(cast("type[ReformTracked]", Case._meta.get_field("model").related_model), "code", codes, ctx)


@register
class CasesSpec(KindSpec):
    kind = "cases"
    label = gettext_lazy("Cases")
    position = 40
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
        Column("channel", "Kênh tiếp nhận", False, _channel, "hotline_111"),
        Column("reported_at", "Thời điểm tiếp nhận", False, cells.parse_datetime, "10/04/2024 08:30"),
        Column("assigned_to", "Cán bộ phụ trách", False, cells.text, ""),
        Column("model_code", "Mã mô hình", False, cells.text, ""),
        Column("notes", "Ghi chú", False, cells.text, ""),
    ]

    def allowed_codes(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            ("status", [(k, str(label)) for k, label in Case.Status.choices]),
            ("outcome", [(k, str(label)) for k, label in Case.Outcome.choices]),
            ("channel", [(k, str(label)) for k, label in Case.Channel.choices]),
            ("circumstances", list(Category.objects.values_list("code", "name"))),
        ]

    def check(self, rows: list[Row], ctx: Context) -> None:
        if "categories" not in ctx.caches:
            ctx.caches["categories"] = dict(Category.objects.values_list("code", "pk"))
        categories = ctx.caches["categories"]
        now = timezone.now()
        today = timezone.localdate(now)
        for row in rows:
            v = row.values
            if not row.ok:
                continue
            if not v.get("child_ref") and not v.get("personal_id"):
                row.error("child_ref", _("Give the child's reference or personal ID."), "")
            for message in check_opening(opened_on=v["opened_on"], today=today):
                row.error("opened_on", message)
            if v.get("closed_on") and v["closed_on"] > today:
                row.error("closed_on", _("A case cannot be closed in the future."))
            if v.get("reported_at") and v["reported_at"] > now:
                row.error("reported_at", _("A report cannot be received in the future."))
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
        children = list(Child.objects.filter(by_keys(pids=pids, refs=refs))) if refs or pids else []
        by_ref = {c.child_ref: c for c in children if c.child_ref and ctx.in_scope_id(c.commune_id, c.current_unit_id)}
        by_pid = {
            c.personal_id: c for c in children if c.personal_id and ctx.in_scope_id(c.commune_id, c.current_unit_id)
        }
        models = scoped_models_by_code({r.values["model_code"] for r in live if r.values.get("model_code")}, ctx)
        # Related rows come with the cases: the history compares their names without a query each.
        stored = Case.objects.filter(case_ref__in={r.values["case_ref"] for r in live}).select_related(
            "child", "commune", "model", "reported_by", "current_unit", "assigned_to"
        )
        assignees = self._assignees(live)
        existing = {c.case_ref: c for c in stored}
        # An archived case keeps its number: the row is refused, not matched nor duplicated.
        archived = set(
            with_archived(Case)
            .filter(case_ref__in={r.values["case_ref"] for r in live}, archived_at__isnull=False)
            .values_list("case_ref", flat=True)
        )
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
            if v["case_ref"] in archived:
                row.error("case_ref", archived_taken_message(Case(), _("case number")))
                continue
            instance = existing.get(v["case_ref"])
            if instance is not None and not ctx.in_scope_id(instance.commune_id, instance.current_unit_id):
                row.error("case_ref", _("This value is already used by another record."))
                continue
            assignee = assignees.get(v.get("assigned_to") or "")
            if v.get("assigned_to") and assignee is None:
                row.error("assigned_to", _("No user with the username %(name)s.") % {"name": v["assigned_to"]})
                continue
            # As in the admin, the rule judges a change of officer, not the one already in charge.
            reassigned = assignee is not None and (instance is None or instance.assigned_to_id != assignee.pk)
            values = self._values(row, instance, child, models)
            if values is None:
                continue
            stored_status = instance.status if instance is not None else ""
            if workflow.import_path(stored_status, values["status"]) is None:
                row.error("status", workflow.refusal(stored_status, values["status"]))
                continue
            if assignee is not None:
                values["assigned_to"] = assignee
            wanted = {categories[c] for c in v["circumstances"]} if v.get("circumstances") else None
            stored_commune = instance.commune_id if instance is not None else None
            if instance is None:
                instance = Case(case_ref=v["case_ref"], reported_by=recorded_user(ctx.user), **values)
                if instance.assigned_to is None:
                    # A new case goes to its reporter, the importing officer (docs/contract/case-work.md).
                    instance.assigned_to = default_assignee(instance, instance.reported_by)
                row.action = NEW
                before: dict[str, str] = {}
                wanted = wanted or set()
            else:
                before = history.snapshot(instance)
                was = (instance.status, instance.closed_on)
                if wanted is None:
                    wanted = links.get(instance.pk, set())
                differs = changed(instance, values) or links.get(instance.pk, set()) != wanted
                row.action = UPDATED if differs else UNCHANGED
                row.payload["was"] = was
            set_current_unit(instance, successions[row.payload["unit"].pk], was=stored_commune)
            clean_row(row, instance, CLEAN_COLUMNS)
            if not row.ok:
                continue
            if reassigned and not self._may_take(assignee, instance, row, ctx):
                continue
            row.payload.update(instance=instance, categories=wanted, before=before)

    def _assignees(self, rows: list[Row]) -> dict[str, Any]:
        """The users the rows name in ``assigned_to``, by username: one query for the batch."""
        names = {r.values["assigned_to"] for r in rows if r.values.get("assigned_to")}
        if not names:
            return {}
        users = get_user_model().objects.filter(username__in=names).select_related("unit")
        return {user.get_username(): user for user in users}

    def _may_take(self, assignee: Any, case: Case, row: Row, ctx: Context) -> bool:
        """``assignee_check`` on the case as the row writes it; the row's error when it fails.

        The rule looks at the officer and the case's units only (its commune and current unit),
        so its answer is kept per officer and units: a file of one commune asks it once per
        officer, not once per row.
        """
        answers = ctx.caches.setdefault("assignee_checks", {})
        key = (assignee.pk, case.commune_id, case.current_unit_id)
        if key not in answers:
            probe = Case(commune_id=case.commune_id, current_unit_id=case.current_unit_id)
            try:
                # ``unsaved``: the row may move the case, so the check is of the case as written.
                assignee_check(case=probe, assignee=assignee, unsaved=True)
            except ValidationError as exc:
                answers[key] = exc.message_dict["assigned_to"][0]
            else:
                answers[key] = ""
        if answers[key]:
            row.error("assigned_to", answers[key])
            return False
        return True

    def _values(self, row: Row, stored: Case | None, child: Child, models: dict[str, Any]) -> dict[str, Any] | None:
        """The case's fields from the row, empty cells keeping the stored values; None on an error.

        A closure's date and outcome come from the file or from the stored closed case; the model's
        rules (``Case.clean``, applied by ``check``) judge the values as written.
        """
        v = row.values
        status = v.get("status") or (stored.status if stored else Case.Status.RECEIVED)
        closed_case = stored if stored is not None and stored.status == Case.Status.CLOSED else None
        if status == Case.Status.CLOSED:
            closed_on = v.get("closed_on") or (closed_case.closed_on if closed_case is not None else None)
            outcome = v.get("outcome") or (closed_case.outcome if closed_case is not None else "")
            if not (closed_on and outcome):
                # The status cell asks for the closure: the error is located there.
                row.error("status", _("A closed case needs its closing date and outcome."))
                return None
        else:
            # An open case keeps no closure: the file's cells, if any, are refused by the model.
            closed_on, outcome = v.get("closed_on"), v.get("outcome") or ""
        if v.get("model_code"):
            model = models[v["model_code"]]
        else:
            model = stored.model if stored else None
        emergency = v.get("emergency")
        return {
            "child": child,
            "commune": row.payload["unit"],
            "opened_on": v["opened_on"],
            "reported_at": v.get("reported_at") or (stored.reported_at if stored else None),
            "status": status,
            "closed_on": closed_on,
            "outcome": outcome,
            "emergency": (stored.emergency if stored else False) if emergency is None else emergency,
            "channel": v.get("channel") or (stored.channel if stored else ""),
            "model": model,
            "notes": v.get("notes") or (stored.notes if stored else ""),
            "assigned_to": stored.assigned_to if stored else None,
        }

    def write(self, rows: list[Row], ctx: Context) -> None:
        rows = [r for r in rows if r.action in (NEW, UPDATED)]
        today = timezone.localdate()
        note = history.imported_from(ctx.file_name)
        steps: list[tuple[Row, CaseTransition]] = []
        for row in rows:
            step = self._derive(row, ctx, today, note)
            if step is not None:
                steps.append((row, step))
        instances = [r.payload["instance"] for r in rows]
        Case.objects.bulk_create(
            instances,
            update_conflicts=True,
            unique_fields=["case_ref"],
            update_fields=[*FIELDS, *DERIVED, "version", "updated_at"],
        )
        through = Case.circumstances.through
        through.objects.filter(case_id__in=[c.pk for c in instances]).delete()
        through.objects.bulk_create(
            [through(case_id=r.payload["instance"].pk, category_id=c) for r in rows for c in r.payload["categories"]]
        )
        for row, step in steps:
            step.case_id = row.payload["instance"].pk
        CaseTransition.objects.bulk_create([step for _row, step in steps])
        ChangeRecord.objects.bulk_create([self._history(row, ctx, note) for row in rows])

    def _derive(self, row: Row, ctx: Context, today: dt.date, note: str) -> CaseTransition | None:
        """Set the deadlines and version of the row's case; its workflow step, if its status moved.

        The step is the workflow's (``cases.workflow``): a new case's first step, or one step from
        the stored status to the file's (``import_path`` allowed it in ``check``).
        """
        case: Case = row.payload["instance"]
        case.intervention_due_at = case.intervention_deadline()
        if row.action == NEW:
            return workflow.first_step(case, user=ctx.user, note=note)
        case.version += 1
        was_status, was_closed_on = row.payload["was"]
        if was_status == case.status:
            return None
        to_status, outcome = case.status, case.outcome
        # A closure is dated by its closing date, any other step by the day of the import.
        if to_status == Case.Status.CLOSED:
            # ``_values`` refuses a closed case without its closing date.
            assert case.closed_on is not None
            on = case.closed_on
        else:
            on = max(today, case.opened_on)
        # The step starts from the case as stored, so that it does what a step does (a reopening
        # remembers the closure it undoes).
        case.status, case.closed_on = was_status, was_closed_on
        return workflow.take_step(case, to_status, on=on, user=ctx.user, outcome=outcome, note=note)

    def _history(self, row: Row, ctx: Context, note: str) -> ChangeRecord:
        case: Case = row.payload["instance"]
        new = row.action == NEW
        return history.entry(
            user=ctx.user,
            action=ChangeRecord.Action.CREATED if new else ChangeRecord.Action.CHANGED,
            child=case.child,
            case=case,
            changes={} if new else history.diff(case, row.payload["before"]),
            summary=note,
        )
