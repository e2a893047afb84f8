"""Children in special circumstances, survey records, commune statistics and cases."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from locations.fields import NameField
from locations.models import ReformTracked
from locations.text import fold, nfc
from scope.archive import Archivable, archived_index
from scope.core import Scope, ScopedQuerySet
from scope.downloads import ProtectedFileField
from scope.reads import PersonalData
from scope.uploads import RandomName, validate_document

from .deadlines import intervention_due
from .ethnicity import ETHNICITY_CHOICES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Law on Children 2016, Art. 1: a child is a person under 16.
CHILD_AGE_LIMIT = 16


class Category(models.Model):
    """A category of special circumstances (Law on Children 2016, Art. 10(1)); SC01–SC14."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    point = models.CharField(_("point"), max_length=2)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("category of special circumstances")
        verbose_name_plural = _("categories of special circumstances")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RiskFactor(models.Model):
    """A risk factor (children at risk of special circumstances); editable, codes R01, R02, …"""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=255)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("risk factor")
        verbose_name_plural = _("risk factors")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ChildQuerySet(ScopedQuerySet["Child"]):
    def search(self, text: str) -> ChildQuerySet:
        """Accent-insensitive name, personal ID or reference."""
        text = (text or "").strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(Q(personal_id=text) | Q(child_ref=text))
        return self.filter(Q(name_folded__contains=fold(text)) | Q(child_ref=text))


class Child(Archivable, ReformTracked):
    """A child in special circumstances or at risk, registered in a commune."""

    scope = Scope(unit="commune", current="current_unit", owner="reported_by")
    personal_data = PersonalData(child="pk")
    recorded_unit_field = "commune"

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    full_name = NameField(_("full name"), max_length=150)
    # A plain b-tree for equality and order (see Meta); searches inside names use the trigram
    # index of migration 0005. ``db_index`` would add a third, pattern-ops index no query uses.
    name_folded = models.CharField(max_length=150, editable=False)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    birth_year_only = models.BooleanField(
        _("only the year of birth is known"),
        default=False,
        help_text=_("Surveys often know only the year of birth."),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITY_CHOICES, blank=True)
    personal_id = models.CharField(_("personal identification number"), max_length=12, blank=True)
    child_ref = models.CharField(
        _("reference"),
        max_length=50,
        blank=True,
        help_text=_("The survey's or another system's reference for this child."),
    )
    # A personal ID or reference taken by a child out of the creator's scope, held here until a
    # province reviewer resolves the duplicate (cases/identifiers.py).
    pending_personal_id = models.CharField(
        _("held personal identification number"), max_length=12, blank=True, editable=False
    )
    pending_child_ref = models.CharField(_("held reference"), max_length=50, blank=True, editable=False)
    # Indexed first in ``child_match`` (see Meta), which serves lookups by commune too.
    commune = models.ForeignKey(
        "locations.Unit",
        on_delete=models.PROTECT,
        related_name="children_registered",
        verbose_name=_("commune"),
        db_index=False,
    )
    village = models.CharField(_("village / residential group"), max_length=150, blank=True)
    caregiver_name = NameField(_("caregiver"), max_length=150, blank=True)
    caregiver_relation = models.CharField(_("caregiver's relation"), max_length=50, blank=True)
    caregiver_phone = models.CharField(_("caregiver's phone"), max_length=20, blank=True)
    in_school = models.BooleanField(_("in school"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    categories = models.ManyToManyField(
        Category, through="ChildCategory", blank=True, related_name="children", verbose_name=_("special circumstances")
    )
    risks = models.ManyToManyField(RiskFactor, blank=True, related_name="children", verbose_name=_("risk factors"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_from",
        verbose_name=_("merged into"),
        # Almost every child is merged into nobody: only the few that are are indexed (see Meta).
        db_index=False,
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["name_folded", "pk"]
        constraints = [
            # An archived child no longer holds its personal ID or reference: a new record may.
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=~Q(personal_id="") & Q(archived_at__isnull=True),
                name="child_unique_personal_id",
            ),
            models.UniqueConstraint(
                fields=["child_ref"], condition=~Q(child_ref="") & Q(archived_at__isnull=True), name="child_unique_ref"
            ),
        ]
        indexes = [
            archived_index("child_archived"),
            models.Index(fields=["commune", "name_folded", "birth_year"], name="child_match"),
            models.Index(fields=["name_folded"], name="child_name_folded"),
            models.Index(fields=["merged_into"], condition=Q(merged_into__isnull=False), name="child_merged_into"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.birth_year})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Cleaned here already (not only in the field's pre_save), so the search key matches it.
        self.full_name = nfc(self.full_name)
        self.name_folded = fold(self.full_name)
        if self.date_of_birth and not self.birth_year_only:
            self.birth_year = self.date_of_birth.year
        super().save(*args, **kwargs)

    def age_on(self, on: dt.date) -> int:
        """Completed years on ``on``; with only a birth year, the age reached during that year."""
        if self.date_of_birth is None or self.birth_year_only:
            return on.year - self.birth_year
        had_birthday = (on.month, on.day) >= (self.date_of_birth.month, self.date_of_birth.day)
        return on.year - self.date_of_birth.year - (0 if had_birthday else 1)


class ChildCategory(models.Model):
    """A child's category of special circumstances, with when and by what it was recorded."""

    scope = Scope(unit="child__commune", current="child__current_unit", owner="child__reported_by")
    personal_data = PersonalData(child="child")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="category_links")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    recorded_on = models.DateField(_("recorded on"))
    survey = models.ForeignKey(
        "SurveyRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey record"),
    )
    case = models.ForeignKey(
        "Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("case")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("category of the child")
        verbose_name_plural = _("categories of the child")
        constraints = [models.UniqueConstraint(fields=["child", "category"], name="child_category_unique")]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.category_id}"


class SurveyRecordQuerySet(ScopedQuerySet["SurveyRecord"]):
    def refresh_flags(self) -> int:
        """Recompute ``any_category`` and ``any_risk`` of these records from their links; returns the rows updated.

        Called wherever links change without ``m2m_changed`` (bulk imports, deleted categories or
        risk factors) and by ``manage.py refresh_survey_flags``.
        """
        categories = SurveyRecord.categories.through.objects.filter(surveyrecord_id=models.OuterRef("pk"))
        risks = SurveyRecord.risks.through.objects.filter(surveyrecord_id=models.OuterRef("pk"))
        return self.order_by().update(any_category=models.Exists(categories), any_risk=models.Exists(risks))


def all_survey_records() -> SurveyRecordQuerySet:
    """Every survey record, whatever the default manager leaves out (for keeping the flags exact)."""
    return SurveyRecordQuerySet(model=SurveyRecord)


class SurveyRecord(ReformTracked):
    """A child's situation in one survey year: one child surveyed twice has two records.

    ``any_category`` / ``any_risk`` say whether the record has a category / a risk factor: the
    survey figures count them from the row (and its index) instead of probing the link tables
    once per record, which cost most of a report on years of surveys. They follow the links on
    every write (``cases.signals``, ``SurveyRecordQuerySet.refresh_flags``).
    """

    scope = Scope(unit="commune", current="current_unit", owner="child__reported_by")
    personal_data = PersonalData(child="child")
    recorded_unit_field = "commune"

    # No index of its own: the unique (child, survey_year) index serves lookups by child.
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="survey_records", verbose_name=_("child"), db_index=False
    )
    survey_year = models.PositiveSmallIntegerField(_("survey year"))
    # Validation (full_clean, forms, the admin) accepts only a commune.
    commune = models.ForeignKey(
        "locations.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
        limit_choices_to={"level": "commune"},
    )
    village = models.CharField(_("village / residential group"), max_length=150, blank=True)
    in_school = models.BooleanField(_("in school"), null=True, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="+", verbose_name=_("special circumstances"))
    risks = models.ManyToManyField(RiskFactor, blank=True, related_name="+", verbose_name=_("risk factors"))
    notes = models.TextField(_("notes"), blank=True)
    any_category = models.BooleanField(_("in special circumstances"), default=False, editable=False)
    any_risk = models.BooleanField(_("with a risk factor"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SurveyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey record")
        verbose_name_plural = _("survey records")
        ordering = ["-survey_year"]
        constraints = [models.UniqueConstraint(fields=["child", "survey_year"], name="survey_record_unique_year")]
        # A year's records of an area in one index range (an area reads its own structure's unit
        # column: reports.area.ReportArea.in_area), whatever the number of survey years held. The
        # included columns are every other one the figures, the scope and the archived-child filter
        # read, so a report is an index-only scan.
        indexes = [
            models.Index(
                fields=["survey_year", "commune"],
                include=["current_unit", "any_category", "any_risk", "child"],
                name="survey_year_commune",
            ),
            models.Index(
                fields=["survey_year", "current_unit"],
                include=["commune", "any_category", "any_risk", "child"],
                name="survey_year_current_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} – {self.survey_year}"


class CommuneStats(ReformTracked):
    """Child statistics of one commune in one survey year."""

    scope = Scope(unit="commune", current="current_unit")
    recorded_unit_field = "commune"

    survey_year = models.PositiveSmallIntegerField(_("survey year"))
    # Validation (full_clean, forms, the admin) accepts only a commune.
    commune = models.ForeignKey(
        "locations.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
        limit_choices_to={"level": "commune"},
    )
    children_total = models.PositiveIntegerField(_("children"))
    children_male = models.PositiveIntegerField(_("boys"), null=True, blank=True)
    children_female = models.PositiveIntegerField(_("girls"), null=True, blank=True)
    children_under_6 = models.PositiveIntegerField(_("children under 6"), null=True, blank=True)
    special_total = models.PositiveIntegerField(_("children in special circumstances"), null=True, blank=True)
    at_risk_total = models.PositiveIntegerField(_("children at risk"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune statistics")
        verbose_name_plural = _("commune statistics")
        ordering = ["-survey_year", "commune__code"]
        constraints = [
            models.UniqueConstraint(fields=["survey_year", "commune"], name="commune_stats_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.commune} – {self.survey_year}"


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

        from .case_forms import FORM_SECTIONS

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


class ChildMerge(models.Model):
    """Two records of one child merged by an officer: what was kept and what moved."""

    scope = Scope(unit="kept__commune", current="kept__current_unit", owner="kept__reported_by")
    personal_data = PersonalData(child="kept")

    # History outlives its child: purging an archived child keeps the record of the merge.
    kept = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, related_name="merges", verbose_name=_("kept child")
    )
    merged = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("merged child")
    )
    merged_snapshot = models.JSONField(_("merged record"), default=dict)
    moved = models.JSONField(_("records moved"), default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("merged at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("merge of children")
        verbose_name_plural = _("merges of children")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"


class ChangeRecordQuerySet(ScopedQuerySet["ChangeRecord"]):
    def visible_to(self, user: Any) -> ChangeRecordQuerySet:
        """Changes of the children ``user`` sees, except those of a case ``user`` does not see.

        A child that moved commune is seen in the new one while its cases stay in the old one;
        their changes (with the case's fields) stay with the case.
        """
        visible_cases = Case.objects.visible_to(user).values("pk")
        return super().visible_to(user).filter(Q(case__isnull=True) | Q(case__in=visible_cases))


class ChangeRecord(models.Model):
    """Readable history of a child and its cases: who changed what, when, from what to what."""

    scope = Scope(unit="child__commune", current="child__current_unit", owner="child__reported_by")
    personal_data = PersonalData(child="child", case="case")

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        TRANSITION = "transition", _("Workflow step")
        MERGED = "merged", _("Merged")

    # History outlives its record: purging an archived child or case keeps these rows.
    child = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, related_name="history", verbose_name=_("child")
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="history", verbose_name=_("case")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    # {field verbose name: [old, new]} as display strings.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("history")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"


# Incidents of abuse, consent, transfers and referrals live in their own modules; importing them here
# registers them with the app.
from .consent import Consent  # noqa: E402, F401
from .incidents import AbuseForm, AbuseSetting, Incident  # noqa: E402, F401
from .referrals import Referral, ReferralStep  # noqa: E402, F401
from .transfers import Transfer  # noqa: E402, F401
