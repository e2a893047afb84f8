"""The registry: children in special circumstances or at risk, their survey records, the commune
statistics, and the reference lists they are classified by (categories, risk factors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from locations.fields import NameField
from locations.models import ReformTracked
from locations.text import fold, nfc
from scope.archive import Archivable, archived_index
from scope.core import Scope, ScopedQuerySet
from scope.reads import PersonalData

from ..birth import age_on, birth_year_of, known_date_of_birth
from ..ethnicity import ETHNICITY_CHOICES

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
            # The lists' order, with the columns their filters and scope test: a page's ids are read
            # from the index alone (scope.pagination.IdsFirstPaginator).
            models.Index(
                fields=["name_folded", "id"],
                include=["sex", "birth_year", "commune", "current_unit"],
                condition=Q(archived_at__isnull=True, merged_into__isnull=True),
                name="child_live_by_name",
            ),
            models.Index(fields=["merged_into"], condition=Q(merged_into__isnull=False), name="child_merged_into"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.birth_year})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Cleaned here already (not only in the field's pre_save), so the search key matches it.
        self.full_name = nfc(self.full_name)
        self.name_folded = fold(self.full_name)
        self.birth_year = birth_year_of(
            date_of_birth=self.date_of_birth, birth_year=self.birth_year, birth_year_only=self.birth_year_only
        )
        super().save(*args, **kwargs)

    def age_on(self, on: dt.date) -> int:
        """Completed years on ``on``; with only a birth year, the age reached during that year."""
        born = known_date_of_birth(date_of_birth=self.date_of_birth, birth_year_only=self.birth_year_only)
        age = age_on(date_of_birth=born, birth_year=self.birth_year, on=on)
        return on.year - self.birth_year if age is None else age


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
