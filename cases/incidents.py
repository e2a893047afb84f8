"""Incidents of abuse (vụ việc xâm hại) recorded on a case, and their two reference lists.

The forms of abuse and the settings are editable lists (seeded by migration with stable keys);
an incident's commune is always its case's, so it is scoped like the case.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scope.core import Scope, ScopedQuerySet
from scope.reads import PersonalData

if TYPE_CHECKING:
    from .models import Child


class AbuseForm(models.Model):
    """A form of abuse: ``violence``, ``sexual_abuse``, ``exploitation``, ``trafficking``, …"""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("form of abuse")
        verbose_name_plural = _("forms of abuse")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name


class AbuseSetting(models.Model):
    """Where the abuse happened: ``family``, ``school``, ``community``, ``online``, ``other``."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("setting of abuse")
        verbose_name_plural = _("settings of abuse")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name


class IncidentQuerySet(ScopedQuerySet["Incident"]):
    def dated_in(self, year: int) -> IncidentQuerySet:
        """Incidents dated from Jan 1 to Dec 31 of ``year``."""
        return self.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))


def earliest_birth(child: Child) -> dt.date:
    """The child's date of birth, or Jan 1 of the birth year when only the year is known."""
    if child.date_of_birth and not child.birth_year_only:
        return child.date_of_birth
    return dt.date(child.birth_year, 1, 1)


class Incident(models.Model):
    """An incident of abuse of the child of a case (Circular 13/2021/TT-BLĐTBXH, indicator 0101)."""

    scope = Scope(unit="commune", current="case__current_unit", owner="case__reported_by")
    # An incident tells what happened to the child: every read of it is a read of the child's file.
    personal_data = PersonalData(child="case__child", case="case")

    class Handling(models.TextChoices):
        CRIMINAL = "criminal", _("Criminal proceedings")
        ADMINISTRATIVE = "administrative", _("Administrative sanction")
        NONE_YET = "none_yet", _("Not handled yet")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="incidents", verbose_name=_("case"))
    date = models.DateField(_("date of the incident"))
    # Always the case's commune (``take_case_commune``): kept on the row so scope and reports
    # filter and group incidents without joining the case.
    commune = models.ForeignKey(
        "locations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"), editable=False
    )
    forms = models.ManyToManyField(AbuseForm, related_name="incidents", verbose_name=_("forms of abuse"))
    setting = models.ForeignKey(
        AbuseSetting, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("setting")
    )
    perpetrator_relation = models.CharField(
        _("perpetrator's relation to the child"),
        max_length=100,
        blank=True,
        help_text=_("For example father, neighbour, teacher, stranger."),
    )
    reported_to_police = models.BooleanField(_("reported to the police"), default=False)
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices, default=Handling.NONE_YET)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Sensitive: shown only to officers in charge."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident of abuse")
        verbose_name_plural = _("incidents of abuse")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date", "commune"], name="incident_date_commune")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.take_case_commune()
        super().save(*args, **kwargs)

    def take_case_commune(self) -> None:
        """An incident is recorded where its case is."""
        if self.case_id is not None:
            self.commune_id = self.case.commune_id

    def clean_fields(self, exclude: Any = None) -> None:
        self.take_case_commune()
        super().clean_fields(exclude)

    def clean(self) -> None:
        """Not in the future, not before the child was born."""
        if self.date is None:
            return
        if self.date > timezone.localdate():
            raise ValidationError({"date": _("An incident cannot be dated in the future.")})
        if self.case_id is not None and self.date < earliest_birth(self.case.child):
            raise ValidationError({"date": _("The incident is dated before the child's birth.")})
