"""Children in special circumstances, survey records, commune statistics and cases."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import Scope, ScopedQuerySet
from locations.models import ReformTracked
from locations.text import fold

from .ethnicity import ETHNICITY_CHOICES

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


class ChildQuerySet(ScopedQuerySet):
    def search(self, text: str) -> ChildQuerySet:
        """Accent-insensitive name, personal ID or reference."""
        text = (text or "").strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(Q(personal_id=text) | Q(child_ref=text))
        return self.filter(Q(name_folded__contains=fold(text)) | Q(child_ref=text))


class Child(ReformTracked):
    """A child in special circumstances or at risk, registered in a commune."""

    scope = Scope(unit="commune", current="current_unit", owner="reported_by")
    recorded_unit_field = "commune"

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
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
    commune = models.ForeignKey(
        "locations.Unit", on_delete=models.PROTECT, related_name="children_registered", verbose_name=_("commune")
    )
    village = models.CharField(_("village / residential group"), max_length=150, blank=True)
    caregiver_name = models.CharField(_("caregiver"), max_length=150, blank=True)
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
            models.UniqueConstraint(
                fields=["personal_id"], condition=~Q(personal_id=""), name="child_unique_personal_id"
            ),
            models.UniqueConstraint(fields=["child_ref"], condition=~Q(child_ref=""), name="child_unique_ref"),
        ]
        indexes = [
            models.Index(fields=["commune", "name_folded", "birth_year"], name="child_match"),
            models.Index(fields=["current_unit"], name="child_current_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.birth_year})"

    def save(self, *args, **kwargs) -> None:
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


class SurveyRecord(ReformTracked):
    """A child's situation in one survey year: one child surveyed twice has two records."""

    scope = Scope(unit="commune", current="current_unit", owner="child__reported_by")
    recorded_unit_field = "commune"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="survey_records", verbose_name=_("child"))
    survey_year = models.PositiveSmallIntegerField(_("survey year"))
    commune = models.ForeignKey("locations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    village = models.CharField(_("village / residential group"), max_length=150, blank=True)
    in_school = models.BooleanField(_("in school"), null=True, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="+", verbose_name=_("special circumstances"))
    risks = models.ManyToManyField(RiskFactor, blank=True, related_name="+", verbose_name=_("risk factors"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey record")
        verbose_name_plural = _("survey records")
        ordering = ["-survey_year"]
        constraints = [models.UniqueConstraint(fields=["child", "survey_year"], name="survey_record_unique_year")]
        indexes = [models.Index(fields=["survey_year", "commune"], name="survey_year_commune")]

    def __str__(self) -> str:
        return f"{self.child} – {self.survey_year}"


class CommuneStats(ReformTracked):
    """Child statistics of one commune in one survey year."""

    scope = Scope(unit="commune", current="current_unit")
    recorded_unit_field = "commune"

    survey_year = models.PositiveSmallIntegerField(_("survey year"))
    commune = models.ForeignKey("locations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
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


class CaseQuerySet(ScopedQuerySet):
    def open_during(self, year: int) -> CaseQuerySet:
        """Cases open at any time in ``year``: opened on or before Dec 31, not closed before Jan 1."""
        return self.filter(opened_on__lte=dt.date(year, 12, 31)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=dt.date(year, 1, 1))
        )

    def closed_during(self, year: int) -> CaseQuerySet:
        return self.filter(closed_on__year=year, status=Case.Status.CLOSED)


class Case(ReformTracked):
    """A case under case management (Decree 56/2017, Chapter III)."""

    scope = Scope(unit="commune", current="current_unit", owner="reported_by")
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

    class Outcome(models.TextChoices):
        GOAL_ACHIEVED = "goal_achieved", _("Goal achieved")
        PARTIALLY_ACHIEVED = "partially_achieved", _("Partially achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        TRANSFERRED = "transferred", _("Transferred")
        MOVED_AWAY = "moved_away", _("Moved away")
        AGED_OUT = "aged_out", _("Aged out")
        DECEASED = "deceased", _("Deceased")

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
    notes = models.TextField(_("notes"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
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
            models.Index(fields=["opened_on", "closed_on"], name="case_open_period"),
            models.Index(fields=["status", "outcome", "closed_on"], name="case_outcome"),
            models.Index(fields=["current_unit"], name="case_current_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.case_ref} – {self.child.full_name}"


class CaseTransition(models.Model):
    """One step of a case's workflow: who moved it from which status to which, when, why."""

    scope = Scope(unit="case__commune", current="case__current_unit", owner="case__reported_by")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("case"))
    from_status = models.CharField(_("from"), max_length=24, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=Case.Status.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"
