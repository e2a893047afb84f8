"""Outreach events: talks, trainings, campaigns, with participant counts (person-times)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from locations.models import ReformTracked
from scope.archive import Archivable, archived_index
from scope.core import Scope, ScopedQuerySet
from scope.downloads import ProtectedFileField
from scope.uploads import RandomName, validate_document


class OutreachEventQuerySet(ScopedQuerySet["OutreachEvent"]):
    def in_year(self, year: int) -> OutreachEventQuerySet:
        return self.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))

    def totals(self) -> dict[str, int]:
        """Events and summed participants (person-times) of the queryset, in one query."""
        result = self.order_by().aggregate(
            events=Count("pk"),
            participants_total=Sum("participants_total"),
            participants_children=Sum("participants_children"),
            participants_female=Sum("participants_female"),
        )
        return {key: value or 0 for key, value in result.items()}


class OutreachEvent(Archivable, ReformTracked):
    """A talk, training, campaign or media item with its participants counted as person-times."""

    scope = Scope(unit="unit", current="current_unit")
    recorded_unit_field = "unit"

    class Kind(models.TextChoices):
        TALK = "talk", _("Talk")
        TRAINING = "training", _("Training")
        CAMPAIGN = "campaign", _("Campaign")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    class Venue(models.TextChoices):
        COMMUNITY = "community", _("Community")
        SCHOOL = "school", _("School")
        OTHER = "other", _("Other")

    event_ref = models.CharField(_("reference"), max_length=50, blank=True)
    date = models.DateField(_("date"))
    unit = models.ForeignKey("locations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    venue = models.CharField(_("venue"), max_length=12, choices=Venue.choices)
    topic = models.CharField(_("topic"), max_length=255)
    participants_total = models.PositiveIntegerField(_("participants"))
    participants_children = models.PositiveIntegerField(_("of whom children"), default=0)
    participants_female = models.PositiveIntegerField(_("of whom female"), default=0)
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    model = models.ForeignKey(
        "programs.ProtectionModel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("protection model"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OutreachEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_ref"], condition=~Q(event_ref="") & Q(archived_at__isnull=True), name="event_unique_ref"
            ),
            models.CheckConstraint(
                condition=Q(participants_children__lte=F("participants_total"))
                & Q(participants_female__lte=F("participants_total")),
                name="event_participants_add_up",
            ),
        ]
        indexes = [
            archived_index("event_archived"),
            models.Index(fields=["date", "unit"], name="event_date_unit"),
            models.Index(fields=["current_unit", "date"], name="event_current_unit_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.topic}"

    def clean(self) -> None:
        """Participants add up: children and female are each part of the total."""
        errors: dict[str, str] = {}
        total = self.participants_total
        if total is not None:
            if self.participants_children is not None and self.participants_children > total:
                errors["participants_children"] = _(
                    "Children (%(children)s) cannot be more than all participants (%(total)s)."
                ) % {"children": self.participants_children, "total": total}
            if self.participants_female is not None and self.participants_female > total:
                errors["participants_female"] = _(
                    "Female participants (%(female)s) cannot be more than all participants (%(total)s)."
                ) % {"female": self.participants_female, "total": total}
        if errors:
            raise ValidationError(errors)


class EventAttachment(Archivable):
    """A photo or attendance sheet of an event."""

    scope = Scope(unit="event__unit", current="event__current_unit")

    event = models.ForeignKey(
        OutreachEvent, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("event")
    )
    # Photos and attendance sheets, accepted by their content: nothing a browser would run.
    file = ProtectedFileField(
        _("file"),
        upload_to=RandomName("outreach"),
        max_length=255,
        validators=[validate_document],
        help_text=_("A photo or a scanned attendance sheet (JPG, PNG, PDF, Word or Excel)."),
    )
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.caption or self.file.name or ""
