"""Reads of import records that depend on the user."""

from __future__ import annotations

from accounts.types import AnyUser

from .models import ImportJob, ImportJobQuerySet


def import_jobs_visible(*, user: AnyUser) -> ImportJobQuerySet:
    """The import jobs ``user`` may see: those uploaded at or below their unit."""
    return ImportJob.objects.visible_to(user).select_related("created_by", "unit")


def import_job_get(*, user: AnyUser, pk: int) -> ImportJob:
    """One visible job; ``ImportJob.DoesNotExist`` when missing or out of scope."""
    return import_jobs_visible(user=user).get(pk=pk)
