"""Case management (Decree 56/2017, Chapter III): cases, their workflow steps, support plans and
their actions, services delivered, notes, forms and attachments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from locations.fields import NameField
from locations.models import ReformTracked
from scope.archive import Archivable, archived_index
from scope.core import Scope, ScopedQuerySet
from scope.downloads import ProtectedFileField
from scope.reads import PersonalData
from scope.uploads import RandomName, validate_document

from ..deadlines import intervention_due
from .registry import Category, Child

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def closed_during_q(year: int, *, outcome: str | None = None) -> Q:
    """``CaseQuerySet.closed_during`` as a condition on the case row, for a count filter in one aggregate."""
    current = Q(status=Case.Status.CLOSED, closed_on__year=year)
    steps = CaseTransition.objects.filter(case=models.OuterRef("pk"), to_status=Case.Status.CLOSED, on__year=year)
    if outcome:
        current &= Q(outcome=outcome)
        steps = steps.filter(outcome=outcome)
    return current | Q(models.Exists(steps))


class CaseQuerySet(ScopedQuerySet["Case"]):
    def open_during(self, year: int) -> CaseQuerySet:
        """Cases open at any time in ``year``: opened on or before Dec 31, not closed before Jan 1."""
        return self.open_between(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def open_between(self, start: dt.date, end: dt.date) -> CaseQuerySet:
        """Cases open at any time from ``start`` to ``end``: opened by the end, not closed before the start.

        A case closed before ``start`` and reopened only after ``end`` was closed all the
        period long: it does not count, although its closure date was cleared on reopening.
        """
        closed_all_period = CaseTransition.objects.filter(
            case=models.OuterRef("pk"), previous_closed_on__lt=start, on__gt=end
        )
        return (
            self.filter(opened_on__lte=end)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
            .exclude(models.Exists(closed_all_period))
        )

    def closed_during(self, year: int, *, outcome: str | None = None) -> CaseQuerySet:
        """Cases closed in ``year`` (with ``outcome`` if given).

        Counts a closure recorded as a workflow step even when the case was reopened later,
        and a case imported already closed (no step) through its own closure date.
        """
        return self.filter(closed_during_q(year, outcome=outcome))

    def overdue(self, *, now: dt.datetime) -> CaseQuerySet:
        """Open cases past a deadline: emergency intervention (12 hours) or the plan (5 working days)."""
        return self.exclude(status=Case.Status.CLOSED).filter(emergency_overdue_q(now) | plan_overdue_q(now))

    def emergency_running(self, *, now: dt.datetime) -> CaseQuerySet:
        """Open emergencies without intervention whose 12 hours are still running."""
        return self.exclude(status=Case.Status.CLOSED).filter(emergency_pending_q(), intervention_due_at__gte=now)

    def emergency_overdue(self, *, now: dt.datetime) -> CaseQuerySet:
        """Open emergencies without intervention past their 12 hours (the first half of ``overdue``)."""
        return self.exclude(status=Case.Status.CLOSED).filter(emergency_overdue_q(now))

    def plan_overdue(self, *, now: dt.datetime) -> CaseQuerySet:
        """Cases assessed whose plan is past its 5 working days (the second half of ``overdue``)."""
        return self.filter(plan_overdue_q(now))

    def plan_due_within(self, *, now: dt.datetime, days: int) -> CaseQuerySet:
        """Cases assessed whose plan falls due from today to ``days`` days ahead."""
        today = timezone.localdate(now)
        return self.filter(
            status=Case.Status.DETAILED_ASSESSMENT, plan_due_on__gte=today, plan_due_on__lte=today + dt.timedelta(days)
        )


def emergency_pending_q() -> Q:
    return Q(emergency=True, intervened_at__isnull=True, intervention_due_at__isnull=False)


def emergency_overdue_q(now: dt.datetime) -> Q:
    return Q(emergency=True, intervened_at__isnull=True, intervention_due_at__lt=now)


def plan_overdue_q(now: dt.datetime) -> Q:
    return Q(status=Case.Status.DETAILED_ASSESSMENT, plan_due_on__lt=timezone.localdate(now))


class Case(Archivable, ReformTracked):
    """A case under case management (Decree 56/2017, Chapter III)."""

    scope = Scope(unit="commune", current="current_unit", owner="reported_by")
    personal_data = PersonalData(child="child", case="pk")
    recorded_unit_field = "commune"

    class Status(models.TextChoices):
        RECEIVED = "received", _("Report received (form 01)")
        VERIFIED = "verified", _("Verified")
        INITIAL_ASSESSMENT = "initial_assessment", _("Initial assessment (form 02)")
        DETAILED_ASSESSMENT = "detailed_assessment", _("Detailed assessment (form 03)")
        PLAN_APPROVED = "plan_approved", _("Support plan approved")
        IN_PROGRESS = "in_progress", _("Plan in progress")
        REVIEW = "review", _("Review (form 06)")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        """How the report came (docs/contract/case-work.md, "Intake")."""

        HOTLINE_111 = "hotline_111", _("Child protection hotline 111")
        PHONE = "phone", _("Phone")
        WALK_IN = "walk_in", _("In person")
        SCHOOL = "school", _("School")
        HEALTH = "health", _("Health facility")
        POLICE = "police", _("Police")
        COMMUNITY = "community", _("Community")
        ONLINE = "online", _("Online")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        GOAL_ACHIEVED = "goal_achieved", _("Goal achieved")
        PARTIALLY_ACHIEVED = "partially_achieved", _("Partially achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        TRANSFERRED = "transferred", _("Transferred")
        MOVED_AWAY = "moved_away", _("Moved away")
        AGED_OUT = "aged_out", _("Aged out")
        DECEASED = "deceased", _("Deceased")

    # Unique with the archived cases too: imports write ``ON CONFLICT (case_ref)``.
    case_ref = models.CharField(_("case number"), max_length=50, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases", verbose_name=_("child"))
    commune = models.ForeignKey("locations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    opened_on = models.DateField(_("opened on"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.RECEIVED)
    emergency = models.BooleanField(
        _("emergency"), default=False, help_text=_("Needs intervention within 12 hours of the report.")
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    circumstances = models.ManyToManyField(
        Category, blank=True, related_name="cases", verbose_name=_("special circumstances")
    )
    model = models.ForeignKey(
        "programs.ProtectionModel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("protection model"),
    )
    channel = models.CharField(
        _("intake channel"), max_length=16, choices=Channel.choices, blank=True, help_text=_("How the report came.")
    )
    notes = models.TextField(_("notes"), blank=True)
    abuse_details = models.TextField(
        _("details of abuse or harm"), blank=True, help_text=_("Sensitive: shown only to officers in charge.")
    )
    intervention_due_at = models.DateTimeField(_("intervention due"), null=True, blank=True, editable=False)
    intervened_at = models.DateTimeField(
        _("intervened at"), null=True, blank=True, help_text=_("When the child was first protected or supported.")
    )
    assessed_on = models.DateField(_("detailed assessment on"), null=True, blank=True, editable=False)
    plan_due_on = models.DateField(_("plan due"), null=True, blank=True, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    # The officer in charge (docs/contract/case-work.md, "Assignment"); set through ``case_assign``.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
        ]
        indexes = [
            archived_index("case_archived"),
            models.Index(fields=["opened_on", "closed_on"], name="case_open_period"),
            models.Index(fields=["status", "outcome", "closed_on"], name="case_outcome"),
            models.Index(fields=["intervention_due_at"], name="case_intervention_due"),
            models.Index(fields=["plan_due_on"], name="case_plan_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case_ref} – {self.child.full_name}"

    def clean(self) -> None:
        """A closed case has a closure date and an outcome; an open one has neither."""
        from django.core.exceptions import ValidationError

        errors: dict[str, StrOrPromise] = {}
        if self.status == self.Status.CLOSED:
            if not self.outcome:
                errors["outcome"] = _("A closed case needs an outcome.")
            if self.closed_on is None:
                errors["closed_on"] = _("A closed case needs the date it was closed.")
        else:
            if self.outcome:
                errors["outcome"] = _("Only a closed case has an outcome.")
            if self.closed_on is not None:
                errors["closed_on"] = _("Only a closed case has a closure date.")
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("A case cannot close before it was opened.")
        if errors:
            raise ValidationError(errors)

    def intervention_deadline(self) -> dt.datetime | None:
        """12 hours after the report (midnight of the opening day when its time is unknown), if an emergency."""
        if not self.emergency:
            return None
        reported = self.reported_at or timezone.make_aware(dt.datetime.combine(self.opened_on, dt.time.min))
        return intervention_due(reported)

    def is_overdue(self, *, now: dt.datetime) -> bool:
        """Emergency without intervention 12 hours after the report, or plan late after assessment."""
        if self.status == self.Status.CLOSED:
            return False
        if self.intervention_due_at and self.intervened_at is None and self.intervention_due_at < now:
            return True
        today = timezone.localdate(now)
        return bool(self.status == self.Status.DETAILED_ASSESSMENT and self.plan_due_on and self.plan_due_on < today)


class CaseTransition(models.Model):
    """One step of a case's workflow: who moved it from which status to which, when, why."""

    scope = Scope(unit="case__commune", current="case__current_unit", owner="case__reported_by")
    personal_data = PersonalData(child="case__child", case="case")

    # History outlives its case: purging an archived case keeps its steps.
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, related_name="transitions", verbose_name=_("case")
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=Case.Status.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Case.Outcome.choices, blank=True)
    # On a reopening: the closure date it undoes, so reports can tell the years the case was closed.
    previous_closed_on = models.DateField(_("closed on before reopening"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["at", "pk"]
        # The annual summary reads closures and reopenings of a year as lists (reports.selectors).
        indexes = [
            models.Index(fields=["to_status", "outcome", "on"], include=["case"], name="transition_closure"),
            models.Index(
                fields=["previous_closed_on"],
                include=["on", "case"],
                condition=Q(previous_closed_on__isnull=False),
                name="transition_reopening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


CASE_SCOPE = Scope(unit="case__commune", current="case__current_unit", owner="case__reported_by")
CASE_DATA = PersonalData(child="case__child", case="case")


class SupportPlan(Archivable):
    """A support/intervention plan of a case, approved by the commune chairman's decision.

    A review may send the case back to a new plan, so a case has one plan per cycle.
    """

    scope = CASE_SCOPE
    personal_data = CASE_DATA

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans", verbose_name=_("case"))
    cycle = models.PositiveSmallIntegerField(_("plan cycle"), default=1)
    goals = models.TextField(_("goals"), blank=True)
    # When the plan in progress is to be reviewed (form 06); the work queue lists it once passed.
    review_on = models.DateField(_("review date"), null=True, blank=True)
    decision_no = models.CharField(_("approval decision number"), max_length=100, blank=True)
    decision_on = models.DateField(_("approval decision date"), null=True, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=150, blank=True, help_text=_("Commune chairman."))
    document = ProtectedFileField(
        _("decision document"),
        upload_to=RandomName("cases/plans"),
        max_length=255,
        blank=True,
        validators=[validate_document],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        ordering = ["case", "cycle"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "cycle"], condition=Q(archived_at__isnull=True), name="support_plan_unique_cycle"
            )
        ]
        indexes = [archived_index("plan_archived")]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.cycle}"

    @property
    def is_approved(self) -> bool:
        return bool(self.decision_no and self.decision_on)


class PlanAction(models.Model):
    """One action of a support plan: what, who is responsible, by when, done when."""

    scope = Scope(unit="plan__case__commune", current="plan__case__current_unit", owner="plan__case__reported_by")
    personal_data = PersonalData(child="plan__case__child", case="plan__case")

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan"))
    action = models.CharField(_("action"), max_length=255)
    responsible = NameField(_("responsible person"), max_length=150)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.action


class ServiceDelivery(models.Model):
    """A service delivered to the child of a case."""

    scope = CASE_SCOPE
    personal_data = CASE_DATA

    class Kind(models.TextChoices):
        HEALTH = "health", _("Health care")
        EDUCATION = "education", _("Education")
        PSYCHOSOCIAL = "psychosocial", _("Psychosocial support and counselling")
        LEGAL = "legal", _("Legal aid")
        SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance")
        ALTERNATIVE_CARE = "alternative_care", _("Alternative care")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services", verbose_name=_("case"))
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind of service"), max_length=24, choices=Kind.choices)
    provider = models.CharField(_("provider"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"


class CaseNote(models.Model):
    """A case worker's note; sensitive."""

    scope = CASE_SCOPE
    personal_data = CASE_DATA

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_notes", verbose_name=_("case"))
    on = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y}"


class CaseForm(models.Model):
    """One of the case management forms (01, 02, 03, 06 of Decree 56/2017) kept as sections.

    The sections of each form are declared in ``cases.case_forms.FORM_SECTIONS``; ``sections``
    maps a section key to its text.
    """

    scope = CASE_SCOPE
    personal_data = CASE_DATA

    class Form(models.TextChoices):
        REPORT = "01", _("Form 01: report and intake")
        INITIAL = "02", _("Form 02: initial assessment")
        DETAILED = "03", _("Form 03: detailed assessment")
        REVIEW = "06", _("Form 06: review of the plan")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="forms", verbose_name=_("case"))
    form = models.CharField(_("form"), max_length=2, choices=Form.choices)
    filled_on = models.DateField(_("filled in on"))
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("filled in by"),
    )
    sections = models.JSONField(_("sections"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case form")
        verbose_name_plural = _("case forms")
        ordering = ["case", "form", "filled_on"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.filled_on:%d/%m/%Y}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from ..case_forms import FORM_SECTIONS

        allowed = {key for key, _label in FORM_SECTIONS.get(self.form, [])}
        if not isinstance(self.sections, dict):
            raise ValidationError({"sections": _("The sections must be a mapping of section to text.")})
        unknown = sorted(set(self.sections) - allowed)
        if unknown:
            raise ValidationError(
                {"sections": _("Unknown sections for this form: %(keys)s.") % {"keys": ", ".join(unknown)}}
            )


class CaseAttachment(Archivable):
    """A scanned form, decision or other document of a case."""

    scope = CASE_SCOPE
    personal_data = CASE_DATA

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case"))
    title = models.CharField(_("title"), max_length=255)
    form = models.CharField(_("form"), max_length=2, choices=CaseForm.Form.choices, blank=True)
    file = ProtectedFileField(
        _("file"), upload_to=RandomName("cases/attachments"), max_length=255, validators=[validate_document]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title
