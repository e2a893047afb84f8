"""The record of every import: who, when, which file, what it did, and its progress."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scope.core import Scope, ScopedQuerySet
from scope.downloads import ProtectedFileField
from scope.uploads import RandomName

from .registry import kind_choices


class ImportJobQuerySet(ScopedQuerySet):
    def stale(self, *, now: dt.datetime, after: dt.timedelta) -> ImportJobQuerySet:
        """Running jobs whose worker has not reported for ``after`` (it was killed or lost)."""
        return self.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=now - after)


class ImportJob(models.Model):
    """One uploaded file of one kind, from its preview to its commit.

    The job is scoped by the unit of the user who uploaded it; a collaborator-like
    owner rule applies through ``created_by``.
    """

    scope = Scope(unit="unit", current="unit__successor_links__current", owner="created_by")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        VALID = "valid", _("Checked, ready to commit")
        INVALID = "invalid", _("Has errors")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    class Phase(models.TextChoices):
        QUEUED = "queued", _("Queued")
        READING = "reading", _("Reading and checking")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Done")

    # The registered kinds (``imports.registry``): a new kind needs no migration.
    kind = models.CharField(_("kind"), max_length=20, choices=kind_choices)
    # Personal IDs and phones: deleted once the job is over (see ``imports.services``); the
    # record keeps the file's name and hash. Empty after that.
    file = ProtectedFileField(_("file"), upload_to=RandomName("imports"), max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_hash = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    unit = models.ForeignKey(
        "locations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("The unit of the user who uploaded the file; the job is visible at and above it."),
    )
    language = models.CharField(_("language"), max_length=10, default="vi")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices, default=Phase.QUEUED)
    commit_requested = models.BooleanField(_("commit requested"), default=False)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    rows_new = models.PositiveIntegerField(_("new"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    duplicates = models.JSONField(_("probable duplicates"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="import_job_status_beat")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.VALID, self.Status.INVALID, self.Status.COMMITTED, self.Status.FAILED}

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.VALID
