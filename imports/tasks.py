"""Background tasks of imports (Django's tasks framework; the worker is ``db_worker``)."""

from __future__ import annotations

from django.tasks import task

from .models import ImportJob
from .services import import_job_run, import_jobs_sweep


@task
def run_import_job(job_id: int, commit: bool) -> str:
    """Check or commit one import job; safe to re-run after a crash (all or nothing)."""
    import_jobs_sweep()
    job = ImportJob.objects.get(pk=job_id)
    return import_job_run(job=job, commit=commit).status


@task
def sweep_stale_imports() -> int:
    """Mark jobs whose worker died as failed (schedule it, e.g. every few minutes)."""
    return import_jobs_sweep()
