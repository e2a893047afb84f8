"""Background tasks of imports (Django's tasks framework).

Quick start: the ``django_tasks_db`` backend stores tasks in the database and
``manage.py db_worker`` runs them (``make run`` starts it). Production at scale: set
``TASKS_BACKEND=django_tasks_rq.RQBackend`` (extra ``rq``: ``pip install .[rq]``), point
``RQ_QUEUES`` at Redis and run ``manage.py rqworker default``; the code does not change.
A Celery set-up would wrap ``imports.services.import_job_run`` in a Celery task the same
way. Whatever the backend, ``sweep_stale_imports`` should run every few minutes (cron,
``rqscheduler`` or Celery beat): a worker killed half-way leaves its job RUNNING, and the
sweep marks it failed (its transaction was rolled back, so it can simply be run again).
"""

from __future__ import annotations

from django.tasks import task

from .models import ImportJob
from .services import import_files_sweep, import_job_run, import_jobs_sweep


@task
def run_import_job(job_id: int, commit: bool) -> str:
    """Check or commit one import job; safe to re-run after a crash (all or nothing)."""
    import_jobs_sweep()
    job = ImportJob.objects.get(pk=job_id)
    return import_job_run(job=job, commit=commit).status


@task
def sweep_stale_imports() -> int:
    """Mark jobs whose worker died as failed and delete import files past their retention
    (schedule it, e.g. every few minutes)."""
    swept = import_jobs_sweep()
    import_files_sweep()
    return swept
