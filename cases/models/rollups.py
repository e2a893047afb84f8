"""Roll-up tables of the registry, kept by the database (``scope.rollups``): what reports count
instead of reading every record of a year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from scope.core import Scope, ScopedQuerySet
from scope.rollups import Rollup, counted_reference, register

from .registry import SurveyRecord


class SurveyRollup(models.Model):
    """Survey records per (recorded commune, current unit, survey year), as signed deltas.

    The counts are those of ``reports.selectors.survey_figures``: records, records with a category
    of special circumstances, records with a risk factor and no category; records of an archived
    child are out. Several rows may share a key until ``rebuild_rollups --compact`` folds them:
    read them with SUM.
    """

    scope = Scope(unit="commune", current="current_unit")

    commune = counted_reference("locations.Unit", _("commune"))
    current_unit = counted_reference("locations.Unit", _("current unit"), null=True)
    survey_year = models.PositiveSmallIntegerField(_("survey year"))
    surveyed = models.IntegerField(_("surveyed"))
    special = models.IntegerField(_("special circumstances"))
    at_risk = models.IntegerField(_("at risk"))

    objects = ScopedQuerySet["SurveyRollup"].as_manager()

    class Meta:
        verbose_name = _("survey roll-up")
        verbose_name_plural = _("survey roll-ups")
        default_permissions = ()
        # An area reads one unit column, the one of its structure (``ReportArea.in_area``).
        indexes = [
            models.Index(fields=["survey_year", "current_unit"], name="survey_rollup_current"),
            models.Index(fields=["survey_year", "commune"], name="survey_rollup_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} – {self.survey_year}"


SURVEY_ROLLUP = register(
    Rollup(
        model=SurveyRollup,
        source=SurveyRecord,
        keys={
            "commune_id": '{r}."commune_id"',
            "current_unit_id": '{r}."current_unit_id"',
            "survey_year": '{r}."survey_year"',
        },
        sums={
            "surveyed": "1",
            "special": 'CASE WHEN {r}."any_category" THEN 1 ELSE 0 END',
            "at_risk": 'CASE WHEN {r}."any_risk" AND NOT {r}."any_category" THEN 1 ELSE 0 END',
        },
    )
)
