"""Writes of the cases app. The admin, the API, imports and commands all call these."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.types import recorded_user
from locations.models import Unit
from scope.core import ensure_in_scope

from . import history, identifiers, workflow
from .assignment import assignee_check, default_assignee
from .birth import birth_year_of, known_date_of_birth
from .models import (
    Case,
    CaseTransition,
    Category,
    ChangeRecord,
    Child,
    ChildCategory,
    ChildMerge,
    CommuneStats,
    SupportPlan,
    SurveyRecord,
)
from .validators import check_birth, check_opening, check_personal_id
from .workflow import is_allowed, may_act

if TYPE_CHECKING:
    from accounts.models import User

STALE_MESSAGE = gettext_lazy(
    "Someone else saved this record after you opened it. Reload the page to see their changes, then make yours again."
)


class Warnings(ValidationError):
    """Checks that the user may override by confirming (``accept_warnings=True``)."""


IDENTIFIER_CONSTRAINTS = ("child_unique_personal_id", "child_unique_ref", "personal_id", "child_ref")


def _bump_version(instance: Child | Case, expected_version: int | None) -> None:
    """Optimistic lock: refuse the save if the row changed since ``expected_version`` was read."""
    model = type(instance)
    if instance.pk is None:
        return
    if expected_version is None:
        expected_version = instance.version
    updated = model._base_manager.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise ValidationError(str(STALE_MESSAGE), code="stale")
    instance.version = expected_version + 1


def _require_actor(user: User) -> None:
    if not may_act(user):
        raise PermissionDenied(_("Your role may not change cases."))


# Children ----------------------------------------------------------------------------------


def child_check(child: Child, *, new: bool, on: dt.date | None = None, accept_warnings: bool = False) -> None:
    """Field checks of a child: personal ID, birth and age. Raises errors, then warnings."""
    on = on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    if child.commune_id is not None and child.commune.level != Unit.Level.COMMUNE:
        errors["commune"] = [_("Choose a commune, not a district or province.")]
    birth_year = birth_year_of(
        date_of_birth=child.date_of_birth, birth_year=child.birth_year, birth_year_only=child.birth_year_only
    )
    birth_errors, _none = check_birth(
        date_of_birth=known_date_of_birth(date_of_birth=child.date_of_birth, birth_year_only=child.birth_year_only),
        birth_year=birth_year,
        on=on,
        new=new,
    )
    if birth_errors:
        errors["date_of_birth"] = birth_errors
    pid_errors, pid_warnings = check_personal_id(child.personal_id, sex=child.sex, birth_year=birth_year)
    if pid_errors:
        errors["personal_id"] = pid_errors
    if pid_warnings and not accept_warnings:
        warnings["personal_id"] = pid_warnings
    if errors:
        raise ValidationError(errors)
    if warnings:
        raise Warnings(warnings)


@transaction.atomic
def child_save(
    *,
    child: Child,
    user: User,
    expected_version: int | None = None,
    accept_warnings: bool = False,
    on: dt.date | None = None,
) -> Child:
    """Create or change a child.

    A new child must be under 16 on ``on`` (default today); a personal ID mismatch with sex
    or year of birth is a warning the user overrides with ``accept_warnings``. Changing an
    existing child refuses a stale ``expected_version`` (someone else saved meanwhile).
    """
    new = child.pk is None
    if new and child.reported_by_id is None and getattr(user, "pk", None):
        child.reported_by = user
    child.birth_year = birth_year_of(
        date_of_birth=child.date_of_birth, birth_year=child.birth_year, birth_year_only=child.birth_year_only
    )
    before = {} if new else history.snapshot(Child._base_manager.get(pk=child.pk))
    child_check(child, new=new, on=on, accept_warnings=accept_warnings)
    ensure_in_scope(child, user)
    identifiers.identifiers_hold(child=child, user=user)
    identifiers.identifiers_check(child)
    child.full_clean()
    _bump_version(child, expected_version)
    _child_write(child, user)
    if new:
        history.record(user=user, action=ChangeRecord.Action.CREATED, child=child)
    else:
        changes = history.diff(child, before)
        if changes:
            history.record(user=user, action=ChangeRecord.Action.CHANGED, child=child, changes=changes)
    return child


def _child_write(child: Child, user: User) -> None:
    """Save ``child``; a value another transaction took meanwhile is held or refused, never a 500.

    The unique constraint is the last word when two creates race: its ``IntegrityError`` is
    caught in a savepoint, the identifiers are looked at again (the other row is now committed)
    and the outcome is the one a sequential save would have had (cases/identifiers.py).
    """
    adding = child._state.adding
    try:
        with transaction.atomic():
            child.save()
            return
    except IntegrityError as exc:
        if not any(name in str(exc) for name in IDENTIFIER_CONSTRAINTS):
            raise
    if adding:
        child.pk = None
        child._state.adding = True
    identifiers.identifiers_hold(child=child, user=user)
    identifiers.identifiers_check(child)
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError as exc:
        raise ValidationError(_("This personal ID or reference is being saved by someone else; try again.")) from exc


@transaction.atomic
def child_categories_add(
    *,
    child: Child,
    user: User,
    categories: list[Category],
    recorded_on: dt.date,
    survey: SurveyRecord | None = None,
    case: Case | None = None,
) -> list[ChildCategory]:
    """Record categories of a child with the date and the survey or case that found them.

    A category already recorded keeps its first date and source.
    """
    ensure_in_scope(child, user)
    links = []
    for category in categories:
        link, _created = ChildCategory.objects.get_or_create(
            child=child,
            category=category,
            defaults={"recorded_on": recorded_on, "survey": survey, "case": case},
        )
        links.append(link)
    return links


@transaction.atomic
def survey_record_upsert(
    *,
    user: User,
    child: Child,
    survey_year: int,
    commune: Any,
    village: str = "",
    in_school: bool | None = None,
    categories: list[Category] | None = None,
    risks: list[Any] | None = None,
    notes: str = "",
) -> SurveyRecord:
    """A child's situation in one survey year; the same child and year is updated, not duplicated."""
    record = SurveyRecord.objects.filter(child=child, survey_year=survey_year).first() or SurveyRecord(
        child=child, survey_year=survey_year
    )
    record.commune = commune
    record.village = village
    record.in_school = in_school
    record.notes = notes
    ensure_in_scope(record, user)
    record.full_clean()
    record.save()
    if categories is not None:
        record.categories.set(categories)
        child_categories_add(
            child=child, user=user, categories=categories, recorded_on=dt.date(survey_year, 12, 31), survey=record
        )
    if risks is not None:
        record.risks.set(risks)
        child.risks.add(*risks)
    return record


@transaction.atomic
def commune_stats_upsert(*, user: User, survey_year: int, commune: Any, **counts: int | None) -> CommuneStats:
    """Child statistics of a commune for a survey year (one row per year and commune)."""
    stats = CommuneStats.objects.filter(survey_year=survey_year, commune=commune).first() or CommuneStats(
        survey_year=survey_year, commune=commune
    )
    for name, value in counts.items():
        setattr(stats, name, value)
    ensure_in_scope(stats, user)
    stats.full_clean()
    stats.save()
    return stats


def _move_related(keep: Child, drop: Child, moved: dict[str, int]) -> None:
    """Point every other app's rows that reference ``drop`` at ``keep``."""
    handled = {
        (SurveyRecord, "child"),
        (ChildCategory, "child"),
        (Case, "child"),
        (ChangeRecord, "child"),
        (ChildMerge, "kept"),
        (ChildMerge, "merged"),
        (Child, "merged_into"),
    }
    for rel in Child._meta.related_objects:
        if rel.many_to_many or (rel.related_model, rel.field.name) in handled:
            continue
        model = rel.related_model
        try:
            with transaction.atomic():
                count = model._base_manager.filter(**{rel.field.name: drop}).update(**{rel.field.name: keep})
        except IntegrityError as exc:
            raise ValidationError(
                _("Both children have %(records)s for the same day or item; resolve them before merging.")
                % {"records": model._meta.verbose_name_plural}
            ) from exc
        if count:
            moved[model._meta.label_lower] = count


@transaction.atomic
def child_merge(*, keep: Child, drop: Child, user: User, note: str = "") -> ChildMerge:
    """Merge ``drop`` into ``keep``: every survey record, category, risk, case and history moves.

    Blank fields of ``keep`` are filled from ``drop``. Where both have a survey record for the
    same year, ``drop``'s categories, risks and notes are added to ``keep``'s. ``drop`` stays,
    marked merged, with a snapshot in the ``ChildMerge`` record. Only an officer may merge.
    """
    _require_actor(user)
    if keep.pk == drop.pk:
        raise ValidationError(_("A child cannot be merged into itself."))
    keep = Child.objects.select_for_update().get(pk=keep.pk)
    drop = Child.objects.select_for_update().get(pk=drop.pk)
    if drop.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("This child has already been merged."))
    ensure_in_scope(keep, user)
    ensure_in_scope(drop, user)
    snapshot: dict[str, str | list[str]] = dict(history.snapshot(drop))
    snapshot["categories"] = [link.category.code for link in drop.category_links.select_related("category")]
    snapshot["risks"] = [risk.code for risk in drop.risks.all()]
    moved: dict[str, int] = {}

    for record in list(drop.survey_records.all()):
        twin = keep.survey_records.filter(survey_year=record.survey_year).first()
        if twin is None:
            record.child = keep
            record.save(update_fields=["child"])
        else:
            twin.categories.add(*record.categories.all())
            twin.risks.add(*record.risks.all())
            if record.notes and record.notes not in twin.notes:
                twin.notes = f"{twin.notes}\n{record.notes}".strip()
                twin.save(update_fields=["notes"])
            record.delete()
        moved["survey_records"] = moved.get("survey_records", 0) + 1

    kept_categories = set(keep.category_links.values_list("category_id", flat=True))
    for link in list(drop.category_links.all()):
        if link.category_id in kept_categories:
            kept = keep.category_links.get(category_id=link.category_id)
            if link.recorded_on < kept.recorded_on:
                kept.recorded_on, kept.survey, kept.case = link.recorded_on, link.survey, link.case
                kept.save()
            link.delete()
        else:
            link.child = keep
            link.save(update_fields=["child"])
        moved["categories"] = moved.get("categories", 0) + 1
    keep.risks.add(*drop.risks.all())

    moved["cases"] = Case.objects.filter(child=drop).update(child=keep)
    moved["history"] = ChangeRecord.objects.filter(child=drop).update(child=keep)
    Child._base_manager.filter(merged_into=drop).update(merged_into=keep)
    _move_related(keep, drop, moved)

    before = history.snapshot(keep)
    for field in Child._meta.concrete_fields:
        if field.editable and not field.primary_key and getattr(keep, field.attname) in ("", None):
            setattr(keep, field.attname, getattr(drop, field.attname))
    # The unique personal ID and reference move to the kept record.
    Child._base_manager.filter(pk=drop.pk).update(
        personal_id="", child_ref="", pending_personal_id="", pending_child_ref="", merged_into=keep
    )
    # The merge is the review of a held duplicate: the held values are resolved.
    identifiers.identifiers_clear(keep)
    keep.full_clean(validate_unique=False)
    keep.version += 1
    keep.save()
    merge = ChildMerge.objects.create(
        kept=keep, merged=drop, merged_snapshot=snapshot, moved=moved, user=user, note=note
    )
    history.record(
        user=user,
        action=ChangeRecord.Action.MERGED,
        child=keep,
        changes=history.diff(keep, before),
        summary=_("Merged with %(name)s (record %(pk)s).") % {"name": drop.full_name, "pk": drop.pk},
    )
    return merge


# Cases -------------------------------------------------------------------------------------


@transaction.atomic
def case_save(*, case: Case, user: User, expected_version: int | None = None) -> Case:
    """Create or change a case (not its status: that is ``case_transition``).

    A new case starts ``received`` with its first step recorded, gets a case number if it has
    none, and an emergency case gets its 12-hour intervention deadline.
    """
    new = case.pk is None
    if new:
        if case.reported_by_id is None and getattr(user, "pk", None):
            case.reported_by = user
        if case.assigned_to_id is None:
            case.assigned_to = default_assignee(case, case.reported_by)
        if not case.case_ref:
            case.case_ref = f"tmp-{uuid.uuid4().hex[:20]}"
        before: dict[str, str] = {}
    else:
        stored = Case._base_manager.get(pk=case.pk)
        before = history.snapshot(stored)
        if case.status != stored.status:
            raise ValidationError({"status": _("Change the status with the workflow buttons.")})
    if case.commune_id is not None and case.commune.level != Unit.Level.COMMUNE:
        raise ValidationError({"commune": _("Choose a commune, not a district or province.")})
    if case.opened_on and (opening_errors := check_opening(opened_on=case.opened_on, today=timezone.localdate())):
        raise ValidationError({"opened_on": opening_errors})
    if new and case.emergency and case.reported_at is None:
        # Its 12-hour deadline runs from the report (docs/contract/case-work.md, "Intake"). Cases
        # imported before this rule keep theirs from midnight of the opening day.
        raise ValidationError({"reported_at": _("An emergency needs the date and hour of the report.")})
    case.intervention_due_at = case.intervention_deadline()
    ensure_in_scope(case, user)
    case.full_clean()
    if case.assigned_to_id is not None and (new or before.get("assigned_to") != str(case.assigned_to)):
        assignee_check(case=case, assignee=case.assigned_to, unsaved=new)
    _bump_version(case, expected_version)
    case.save()
    if new:
        if case.case_ref.startswith("tmp-"):
            case.case_ref = f"{case.commune.code}-{case.opened_on.year}-{case.pk:06d}"
            Case._base_manager.filter(pk=case.pk).update(case_ref=case.case_ref)
        workflow.first_step(case, user=user).save(force_insert=True)
        history.record(user=user, action=ChangeRecord.Action.CREATED, child=case.child, case=case)
    else:
        changes = history.diff(case, before)
        if changes:
            history.record(user=user, action=ChangeRecord.Action.CHANGED, child=case.child, case=case, changes=changes)
    return case


@transaction.atomic
def case_transition(
    *,
    case: Case,
    user: User,
    to_status: str,
    on: dt.date | None = None,
    note: str = "",
    outcome: str = "",
    decision_no: str = "",
    decision_on: dt.date | None = None,
    approved_by: str = "",
    document: File[Any] | None = None,
    expected_version: int | None = None,
) -> CaseTransition:
    """Move a case one step along the workflow (``cases.workflow.TRANSITIONS``) and record it.

    Only officers (``workflow.ACTING_ROLES``) of the case's unit or above may act. Closing
    needs an ``outcome``; approving the plan needs the commune chairman's decision number
    and date (and takes its document); reopening a closed case keeps its earlier steps and
    remembers the closure date it undoes. Refuses a stale ``expected_version``.
    """
    _require_actor(user)
    case = Case.objects.select_for_update().get(pk=case.pk)
    ensure_in_scope(case, user)
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if not is_allowed(case.status, to_status):
        errors["to_status"] = workflow.refusal(case.status, to_status)
        raise ValidationError(errors)
    if on > timezone.localdate():
        errors["on"] = _("The date of a step cannot be in the future.")
    if on < case.opened_on:
        errors["on"] = _("The date of a step cannot be before the case was opened.")
    last = case.transitions.order_by("-on", "-pk").first()
    if last is not None and on < last.on:
        errors["on"] = _("The date of a step cannot be before the previous step (%(date)s).") % {
            "date": last.on.strftime("%d/%m/%Y")
        }
    if to_status == Case.Status.CLOSED:
        if outcome not in Case.Outcome.values:
            errors["outcome"] = _("Choose the outcome of the case to close it.")
    elif outcome:
        errors["outcome"] = _("Only a closure has an outcome.")
    if to_status == Case.Status.PLAN_APPROVED:
        if not decision_no.strip():
            errors["decision_no"] = _("Give the number of the commune chairman's decision approving the plan.")
        if decision_on is None:
            errors["decision_on"] = _("Give the date of the decision approving the plan.")
        elif decision_on > on:
            errors["decision_on"] = _("The decision cannot be dated after the step.")
    if errors:
        raise ValidationError(errors)

    before = history.snapshot(case)
    step = workflow.take_step(case, to_status, on=on, user=user, outcome=outcome, note=note)
    if to_status == Case.Status.PLAN_APPROVED:
        cycle = (case.plans.aggregate(m=models.Max("cycle"))["m"] or 0) + 1
        plan = SupportPlan(
            case=case, cycle=cycle, decision_no=decision_no.strip(), decision_on=decision_on, approved_by=approved_by
        )
        if document is not None:
            plan.document = document
        plan.full_clean()
        plan.save()
    case.full_clean()
    _bump_version(case, expected_version)
    case.save()
    step.full_clean()
    step.save()
    history.record(
        user=user,
        action=ChangeRecord.Action.TRANSITION,
        child=case.child,
        case=case,
        changes=history.diff(case, before),
        summary=note,
    )
    return step


@transaction.atomic
def related_record_save(*, record: models.Model, user: User) -> models.Model:
    """Save a record attached to a child or case (survey record, plan action, service, note, form,
    attachment) as an officer.

    Sets the author fields (``author``, ``filled_by``, ``uploaded_by``) on creation.
    """
    _require_actor(user)
    if record.pk is None:
        for name in ("author", "filled_by", "uploaded_by"):
            if hasattr(record, f"{name}_id") and getattr(record, f"{name}_id") is None:
                setattr(record, name, recorded_user(user))
    ensure_in_scope(record, user)
    record.full_clean()
    record.save()
    return record
