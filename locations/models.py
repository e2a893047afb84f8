"""Administrative units of Vietnam in both structures, and the 2025 conversion table."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .text import fold

# The 2025 reform: legacy units end the day before current ones start.
REFORM_DATE = dt.date(2025, 7, 1)
LEGACY_END = dt.date(2025, 6, 30)


class UnitQuerySet(models.QuerySet["Unit"]):
    def valid_on(self, on: dt.date) -> UnitQuerySet:
        """Units valid on ``on`` (``valid_from`` ≤ on ≤ ``valid_to``, nulls open)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def valid_during(self, start: dt.date, end: dt.date) -> UnitQuerySet:
        """Units valid on at least one day between ``start`` and ``end``."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=start)
        )

    def at_or_below(self, unit: Unit) -> UnitQuerySet:
        """``unit`` and every unit under it, in one indexed filter on stored ancestors."""
        if unit.level == Unit.Level.PROVINCE:
            return self.filter(Q(pk=unit.pk) | Q(province_id=unit.pk))
        if unit.level == Unit.Level.DISTRICT:
            return self.filter(Q(pk=unit.pk) | Q(district_id=unit.pk))
        return self.filter(pk=unit.pk)

    def search(self, text: str) -> UnitQuerySet:
        """Match a code prefix or an accent-insensitive part of the name."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(code__startswith=text) | Q(name_folded__contains=fold(text)))


class Unit(models.Model):
    """A province, district or commune of one structure (legacy or current).

    The ancestors are stored (``province``, ``district``) so that "at or below unit X"
    is a single indexed filter. ``code`` is the statistics office code as text.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune")

    class Edition(models.TextChoices):
        LEGACY = "legacy", _("Legacy (until 30/06/2025)")
        CURRENT = "current", _("Current (from 01/07/2025)")

    CODE_LENGTH: ClassVar[dict[str, int]] = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}

    code = models.CharField(_("code"), max_length=5)
    name = models.CharField(_("name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    edition = models.CharField(_("structure"), max_length=10, choices=Edition.choices)
    division_type = models.CharField(_("type"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    province = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("province"),
    )
    district = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("district"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "level", "code"], name="unit_unique_code_per_edition"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"], name="unit_level_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        self.fill_ancestors()
        super().save(*args, **kwargs)

    def fill_ancestors(self) -> None:
        """Derive the stored ``province`` and ``district`` from the parent chain."""
        parent = self.parent
        if self.level == self.Level.PROVINCE or parent is None:
            self.province = None
            self.district = None
        elif parent.level == self.Level.PROVINCE:
            self.province = parent
            self.district = None
        else:
            self.province_id = parent.province_id
            self.district = parent

    def is_valid_on(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


class UnitConversion(models.Model):
    """One line of the official 2025 conversion table: a legacy commune and a successor.

    A legacy commune split between several current communes has several lines; ``rank``
    keeps the table's order, and the first successor is the default one.
    """

    legacy = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="successor_links", verbose_name=_("legacy unit")
    )
    current = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="predecessor_links", verbose_name=_("current unit")
    )
    rank = models.PositiveSmallIntegerField(_("order"), default=0)
    is_partial = models.BooleanField(_("partly merged"), default=False)
    effective_on = models.DateField(_("effective on"), default=REFORM_DATE)

    class Meta:
        verbose_name = _("unit conversion")
        verbose_name_plural = _("unit conversions")
        ordering = ["legacy__code", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["legacy", "current"], name="unit_conversion_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.legacy} → {self.current}"


class ReformTracked(models.Model):
    """Abstract base of every scoped record: its unit in the current structure.

    Subclasses name the field holding the unit they were recorded on in
    ``recorded_unit_field``. ``current_unit`` is derived on save (see
    ``locations.succession``); an officer may move a record of a split commune to another
    successor (``scope.reform_moves.record_move``), which clears ``current_unit_to_review``.
    """

    recorded_unit_field = "unit"
    # ``current_unit`` is derived, not chosen: ``ensure_in_scope`` checks the record through
    # its recorded unit or its current unit (``Scope.current``), and an officer of a legacy
    # unit must keep writing records whose current unit lies outside their own structure.
    # Subclasses that exempt more fields extend this tuple.
    scope_exempt_fields: tuple[str, ...] = ("current_unit",)

    current_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("current unit"),
    )
    current_unit_to_review = models.BooleanField(_("current unit to review"), default=False, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        unit_id = getattr(self, f"{self.recorded_unit_field}_id")
        if unit_id is not None and (self.current_unit_id is None or self._recorded_unit_changed()):
            self.derive_current_unit()
        super().save(*args, **kwargs)

    def derive_current_unit(self) -> None:
        from .succession import current_unit_for

        recorded = getattr(self, self.recorded_unit_field)
        succession = current_unit_for(recorded)
        self.current_unit = succession.current
        self.current_unit_to_review = succession.needs_review

    def _recorded_unit_changed(self) -> bool:
        if self.pk is None:
            return True
        field = f"{self.recorded_unit_field}_id"
        previous = type(self)._base_manager.filter(pk=self.pk).values_list(field, flat=True).first()
        return previous != getattr(self, field)
