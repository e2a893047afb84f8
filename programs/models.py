"""Protection models, their members, day-care enrolment and attendance."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from locations.fields import NameField
from locations.models import ReformTracked
from scope.archive import Archivable, archived_index
from scope.core import Scope, ScopedQuerySet
from scope.reads import PersonalData
from scope.rollups import Rollup, counted_reference, register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ProtectionModelQuerySet(ScopedQuerySet["ProtectionModel"]):
    def active_on(self, on: dt.date) -> ProtectionModelQuerySet:
        """Models established on or before ``on`` and not ended before it."""
        return self.filter(established_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))

    def active_during(self, start: dt.date, end: dt.date) -> ProtectionModelQuerySet:
        """Models active on at least one day between ``start`` and ``end``."""
        return self.filter(established_on__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))

    def with_status(self, status: str, on: dt.date) -> ProtectionModelQuerySet:
        """Models whose status (see ``ProtectionModel.Status``) on ``on`` is ``status``."""
        Status = ProtectionModel.Status
        if status == Status.ACTIVE:
            return self.active_on(on)
        if status == Status.PLANNED:
            return self.filter(established_on__gt=on)
        if status == Status.ENDED:
            return self.filter(ended_on__lt=on)
        return self.none()


class ProtectionModel(Archivable, ReformTracked):
    """A child protection model (mô hình) run at a commune, district or province."""

    scope = Scope(unit="unit", current="current_unit")
    recorded_unit_field = "unit"

    class Status(models.TextChoices):
        PLANNED = "planned", _("Not yet established")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    class Kind(models.TextChoices):
        CBCP_SYSTEM = "cbcp_system", _("Community-based child protection system")
        CHILD_CLUB = "child_club", _("Child club")
        YOUNG_COLLABORATORS = "young_collaborators", _("Young collaborators in residential groups")
        COUNSELLING_POINT = "counselling_point", _("Community counselling point")
        DAYCARE_DISABILITY = "daycare_disability", _("Day-care for children with disabilities")
        OTHER = "other", _("Other")

    # Unique with the archived models too: imports write ``ON CONFLICT (code)``.
    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    unit = models.ForeignKey("locations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    host = models.CharField(_("host organisation"), max_length=255, blank=True)
    decision_no = models.CharField(_("founding decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("founding decision date"), null=True, blank=True)
    established_on = models.DateField(_("established on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    members_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProtectionModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("protection model")
        verbose_name_plural = _("protection models")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("established_on")),
                name="model_ended_after_established",
            ),
            # The database's half of "one active cbcp_system per commune": at most one open one.
            # Overlapping closed periods are refused by ``protection_model_save``.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(kind="cbcp_system", ended_on__isnull=True, archived_at__isnull=True),
                name="model_one_open_cbcp_per_unit",
                violation_error_message=_(
                    "This commune already has an active community-based child protection system."
                ),
            ),
        ]
        indexes = [
            archived_index("model_archived"),
            models.Index(fields=["kind", "established_on", "ended_on"], name="model_kind_period"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def is_active_on(self, on: dt.date) -> bool:
        return self.established_on <= on and (self.ended_on is None or self.ended_on >= on)

    def status_on(self, on: dt.date) -> str:
        """The status derived from the dates: planned before, active during, ended after."""
        if on < self.established_on:
            return self.Status.PLANNED
        if self.ended_on is not None and self.ended_on < on:
            return self.Status.ENDED
        return self.Status.ACTIVE

    def clean(self) -> None:
        """Dates in order; a ``cbcp_system`` sits on a commune; the model's unit fits its kind."""
        errors: dict[str, StrOrPromise] = {}
        if self.ended_on and self.established_on and self.ended_on < self.established_on:
            errors["ended_on"] = _("The end date cannot be before the date the model was established.")
        if self.decision_date and self.established_on and self.decision_date > self.established_on:
            errors["decision_date"] = _("The founding decision cannot be dated after the model was established.")
        if self.unit_id is not None and self.kind == self.Kind.CBCP_SYSTEM and self.unit.level != "commune":
            errors["unit"] = _("A community-based child protection system sits on a commune.")
        if not errors and (other := self.overlapping_cbcp()) is not None:
            errors["unit"] = _(
                "This commune already has an active community-based child protection system in that period: %(model)s."
            ) % {"model": str(other)}
        if errors:
            raise ValidationError(errors)

    def overlapping_cbcp(self) -> ProtectionModel | None:
        """Another ``cbcp_system`` of the same commune whose active period overlaps this one's."""
        if self.kind != self.Kind.CBCP_SYSTEM or self.unit_id is None or not self.established_on:
            return None
        others = ProtectionModel.objects.filter(kind=self.Kind.CBCP_SYSTEM, unit_id=self.unit_id)
        if self.ended_on is not None:
            others = others.filter(established_on__lte=self.ended_on)
        others = others.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.established_on))
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        return others.order_by("established_on").first()


class ModelMember(models.Model):
    """A member of a protection model (chair, collaborator, counsellor, child member, …)."""

    scope = Scope(unit="model__unit", current="model__current_unit")
    personal_data = PersonalData(child="child")

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        MEMBER = "member", _("Member")
        COLLABORATOR = "collaborator", _("Collaborator")
        COUNSELLOR = "counsellor", _("Counsellor")
        CARER = "carer", _("Carer")
        CHILD_MEMBER = "child_member", _("Child member")

    model = models.ForeignKey(
        ProtectionModel, on_delete=models.CASCADE, related_name="members", verbose_name=_("protection model")
    )
    name = NameField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    sex = models.CharField(_("sex"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))], blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    child = models.ForeignKey(
        "cases.Child", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("child")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["model", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("A member cannot leave before joining.")})


class ModelChange(models.Model):
    """One entry of a protection model's history: who changed what, when, from what to what."""

    scope = Scope(unit="model__unit", current="model__current_unit")

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        ENDED = "ended", _("Ended")
        REOPENED = "reopened", _("Reopened")

    # History outlives its model: purging an archived model keeps these rows.
    model = models.ForeignKey(
        ProtectionModel,
        on_delete=models.SET_NULL,
        null=True,
        related_name="changes",
        verbose_name=_("protection model"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True, help_text=_("field: [old, new]"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of a protection model")
        verbose_name_plural = _("history of changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.model_id} {self.get_action_display()} {self.changed_at:%d/%m/%Y}"


class EnrolmentQuerySet(ScopedQuerySet["Enrolment"]):
    def enrolled_on(self, on: dt.date) -> EnrolmentQuerySet:
        """Enrolments that cover ``on`` (enrolled on or before it, not left before it)."""
        return self.filter(enrolled_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gte=on))


class Enrolment(Archivable):
    """A child enrolled in a day-care model, from the registry or by name."""

    scope = Scope(unit="model__unit", current="model__current_unit")
    personal_data = PersonalData(child="child")

    # A model is archived, never deleted, with its enrolments; purging one keeps attendance.
    model = models.ForeignKey(
        ProtectionModel, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("day-care model")
    )
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("child")
    )
    child_name = NameField(
        _("child's name"), max_length=150, blank=True, help_text=_("For a child not in the registry.")
    )
    child_ref = models.CharField(_("child's reference"), max_length=50, blank=True)
    enrolled_on = models.DateField(_("enrolled on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["model", "child_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "child"],
                condition=Q(child__isnull=False, archived_at__isnull=True),
                name="enrolment_unique_child",
            ),
        ]
        indexes = [archived_index("enrolment_archived")]

    def __str__(self) -> str:
        return self.child_name or str(self.child)

    @property
    def display_name(self) -> str:
        """The registry child's name, else the name typed at enrolment."""
        return self.child.full_name if self.child is not None else self.child_name

    def is_enrolled_on(self, on: dt.date) -> bool:
        return self.enrolled_on <= on and (self.left_on is None or self.left_on >= on)

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.model_id is not None and self.model.kind != ProtectionModel.Kind.DAYCARE_DISABILITY:
            errors["model"] = _("Children are enrolled only in a day-care model.")
        if self.child_id is None and not self.child_name.strip():
            errors["child_name"] = _("Choose a child from the registry or type the child's name.")
        if self.enrolled_on and self.left_on and self.left_on < self.enrolled_on:
            errors["left_on"] = _("A child cannot leave before being enrolled.")
        if self.model_id is not None and self.enrolled_on and "model" not in errors:
            model = self.model
            if not model.is_active_on(self.enrolled_on):
                errors["enrolled_on"] = _("The model was not active on %(date)s.") % {
                    "date": f"{self.enrolled_on:%d/%m/%Y}"
                }
        if errors:
            raise ValidationError(errors)


class AttendanceQuerySet(ScopedQuerySet["Attendance"]):
    def daily_present(self) -> models.QuerySet:
        """``{date, present}`` rows: children present per day, for days with any attendance recorded."""
        return (
            self.order_by()
            .values("date")
            .annotate(present=models.Count("pk", filter=Q(present=True)), recorded=models.Count("pk"))
            .order_by("date")
        )


class Attendance(models.Model):
    """One child's attendance on one day in a day-care model."""

    scope = Scope(unit="enrolment__model__unit", current="enrolment__model__current_unit")
    personal_data = PersonalData(child="enrolment__child")

    # Attendance is kept: an enrolment with attendance cannot be removed, only archived.
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("enrolment")
    )
    date = models.DateField(_("date"))
    present = models.BooleanField(_("present"), default=True)
    services = models.CharField(_("services given"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "date"], name="attendance_unique_day")]
        indexes = [models.Index(fields=["date", "present"], name="attendance_date")]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.date:%d/%m/%Y}"

    def clean(self) -> None:
        """A day is recorded only while the model is active and the child enrolled."""
        if self.enrolment_id is None or self.date is None:
            return
        enrolment = self.enrolment
        date = f"{self.date:%d/%m/%Y}"
        if not enrolment.model.is_active_on(self.date):
            raise ValidationError({"date": _("The model was not active on %(date)s.") % {"date": date}})
        if not enrolment.is_enrolled_on(self.date):
            raise ValidationError(
                {"date": _("%(child)s was not enrolled on %(date)s.") % {"child": enrolment.display_name, "date": date}}
            )


class AttendanceRollup(models.Model):
    """Day-care attendance per (model, day), as signed deltas (``scope.rollups``): children present
    and children recorded (present or absent); attendance of an archived enrolment is out.

    What ``reports.selectors.daycare_figures`` counts, a few rows per model and day instead of one
    per child. Several rows may share a key until ``rebuild_rollups --compact`` folds them: read
    them with SUM.
    """

    scope = Scope(unit="model__unit", current="model__current_unit")

    model = counted_reference(ProtectionModel, _("protection model"))
    date = models.DateField(_("date"))
    present = models.IntegerField(_("present"))
    recorded = models.IntegerField(_("recorded"))

    objects = ScopedQuerySet["AttendanceRollup"].as_manager()

    class Meta:
        verbose_name = _("attendance roll-up")
        verbose_name_plural = _("attendance roll-ups")
        default_permissions = ()
        indexes = [
            models.Index(fields=["date"], include=["model", "present", "recorded"], name="attendance_rollup_date"),
            models.Index(fields=["model", "date"], name="attendance_rollup_model"),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} – {self.date}"


ATTENDANCE_ROLLUP = register(
    Rollup(
        model=AttendanceRollup,
        source=Attendance,
        keys={
            # The enrolment's model: an enrolment moved to another model moves its attendance (``reads``).
            "model_id": '(SELECT e."model_id" FROM {programs_enrolment} e WHERE e."id" = {r}."enrolment_id")',
            "date": '{r}."date"',
        },
        sums={"present": 'CASE WHEN {r}."present" THEN 1 ELSE 0 END', "recorded": "1"},
        reads={"programs_enrolment": ("model_id",)},
    )
)
