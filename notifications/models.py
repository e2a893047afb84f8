"""A notification to one user (docs/contract/case-work.md, "Notifications")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One event told to one recipient; ``key`` names the event so a re-run adds nothing twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=120)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_recipient")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationRun(models.Model):
    """One row per period of the periodic task: the unique period keeps a single chain running."""

    period = models.DateTimeField(_("period"), unique=True)

    class Meta:
        verbose_name = _("notification run")
        verbose_name_plural = _("notification runs")

    def __str__(self) -> str:
        return self.period.isoformat()
