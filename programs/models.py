"""Protection models, their members, day-care enrolment and attendance."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import Scope, ScopedQuerySet
from locations.models import ReformTracked


class ProtectionModelQuerySet(ScopedQuerySet):
    def active_on(self, on: dt.date) -> ProtectionModelQuerySet:
        """Models established on or before ``on`` and not ended before it."""
        return self.filter(established_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))


class ProtectionModel(ReformTracked):
    """A child protection model (mô hình) run at a commune, district or province."""

    scope = Scope(unit="unit", current="current_unit")
    recorded_unit_field = "unit"

    class Kind(models.TextChoices):
        CBCP_SYSTEM = "cbcp_system", _("Community-based child protection system")
        CHILD_CLUB = "child_club", _("Child club")
        YOUNG_COLLABORATORS = "young_collaborators", _("Young collaborators in residential groups")
        COUNSELLING_POINT = "counselling_point", _("Community counselling point")
        DAYCARE_DISABILITY = "daycare_disability", _("Day-care for children with disabilities")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    unit = models.ForeignKey("locations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    host = models.CharField(_("host organisation"), max_length=255, blank=True)
    decision_no = models.CharField(_("founding decision number"), max_length=100, blank=True)
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
        ]
        indexes = [
            models.Index(fields=["kind", "established_on", "ended_on"], name="model_kind_period"),
            models.Index(fields=["current_unit"], name="model_current_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def is_active_on(self, on: dt.date) -> bool:
        return self.established_on <= on and (self.ended_on is None or self.ended_on >= on)


class ModelMember(models.Model):
    """A member of a protection model (chair, collaborator, counsellor, child member, …)."""

    scope = Scope(unit="model__unit", current="model__current_unit")

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
    name = models.CharField(_("name"), max_length=150)
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


class Enrolment(models.Model):
    """A child enrolled in a day-care model, from the registry or by name."""

    scope = Scope(unit="model__unit", current="model__current_unit")

    model = models.ForeignKey(
        ProtectionModel, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("day-care model")
    )
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("child")
    )
    child_name = models.CharField(
        _("child's name"), max_length=150, blank=True, help_text=_("For a child not in the registry.")
    )
    child_ref = models.CharField(_("child's reference"), max_length=50, blank=True)
    enrolled_on = models.DateField(_("enrolled on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["model", "child_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "child"], condition=Q(child__isnull=False), name="enrolment_unique_child"
            ),
        ]

    def __str__(self) -> str:
        return self.child_name or str(self.child)


class Attendance(models.Model):
    """One child's attendance on one day in a day-care model."""

    scope = Scope(unit="enrolment__model__unit", current="enrolment__model__current_unit")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("enrolment")
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

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "date"], name="attendance_unique_day")]
        indexes = [models.Index(fields=["date", "present"], name="attendance_date")]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.date}"
