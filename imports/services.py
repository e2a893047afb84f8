"""Writes of the import records: upload, check, commit, sweep.

The admin, the API and ``import_data`` all go through these functions; the rows of the
file are written by ``imports.pipeline`` inside ``import_job_run``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from scope.core import ensure_in_scope, user_unit

from .models import ImportJob
from .pipeline import run_import
from .registry import kinds

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

IMPORT_PERMISSION = "accounts.import_data"


def max_file_size() -> int:
    """Largest accepted upload in bytes (``IMPORTS_MAX_FILE_SIZE``, default 150 MB)."""
    return int(getattr(settings, "IMPORTS_MAX_FILE_SIZE", 150 * 1024 * 1024))


def background_threshold() -> int:
    """Files above this size (bytes) are checked and committed by the task worker."""
    return int(getattr(settings, "IMPORTS_BACKGROUND_THRESHOLD", 512 * 1024))


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "IMPORTS_STALE_AFTER", 600)))


def check_can_import(user: Any) -> None:
    if not (user is not None and user.is_active and user.has_perm(IMPORT_PERMISSION)):
        raise PermissionDenied(_("You may not import files."))


def _hash(handle: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def import_job_create(*, user: Any, kind: str, file: IO[bytes], file_name: str) -> ImportJob:
    """Record an uploaded file as a pending import of ``kind`` by ``user``.

    Refuses a user without the import permission or without a unit, an unknown kind and a
    file above ``IMPORTS_MAX_FILE_SIZE``. Does not read the rows: see ``import_job_start``.
    """
    check_can_import(user)
    if kind not in kinds():
        raise ValidationError({"kind": _("Unknown kind of file %(kind)s.") % {"kind": kind}})
    file_hash, size = _hash(file)
    if size > max_file_size():
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB; split it.") % {"mb": max_file_size() // (1024 * 1024)}}
        )
    job = ImportJob(
        kind=kind,
        file_name=Path(file_name).name[:255],
        file_hash=file_hash,
        file_size=size,
        created_by=user,
        unit=user_unit(user),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    ensure_in_scope(job, user)
    job.full_clean()
    job.file.save(Path(file_name).name, File(file), save=False)
    try:
        job.save()
    except BaseException:
        # No record names the file: it must not stay on disk (the retention sweep catches
        # the rarer case of an outer transaction rolled back later).
        job.file.storage.delete(str(job.file.name))
        raise
    return job


def import_job_start(*, job: ImportJob, commit: bool = False, background: bool | None = None) -> ImportJob:
    """Check (or commit) the job now, or hand it to the task worker when the file is large."""
    if background is None:
        background = job.file_size > background_threshold()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.PENDING, phase=ImportJob.Phase.QUEUED, commit_requested=commit
    )
    if background:
        from .tasks import run_import_job

        transaction.on_commit(lambda: run_import_job.enqueue(job_id=job.pk, commit=commit))
        job.refresh_from_db()
        return job
    return import_job_run(job=job, commit=commit)


def import_job_commit(*, job: ImportJob, user: Any, background: bool | None = None) -> ImportJob:
    """Apply a checked, valid job. The rows are checked again under the lock."""
    check_can_import(user)
    ensure_in_scope(job, user)
    if job.status != ImportJob.Status.VALID:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    if not job.file:
        raise ValidationError(file_gone_message())
    return import_job_start(job=job, commit=True, background=background)


def _file_gone_message_in(language: str) -> str:
    with translation.override(language):
        return file_gone_message()


def file_gone_message() -> str:
    return _("The uploaded file is no longer kept (files are deleted %(days)s days after upload); upload it again.") % {
        "days": retention_days()
    }


def import_job_run(*, job: ImportJob, commit: bool) -> ImportJob:
    """Run the pipeline for ``job`` and record what it found or did.

    Not atomic on purpose: progress and the final status are recorded outside the
    pipeline's transaction, so a failure leaves the data as it was and the job says so.
    """
    if not job.file:
        # Its file was swept after the retention period (a preview never committed).
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            phase=ImportJob.Phase.DONE,
            message=_file_gone_message_in(job.language),
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        phase=ImportJob.Phase.READING,
        started_at=now,
        heartbeat_at=now,
        rows_read=0,
        rows_valid=0,
        rows_invalid=0,
    )
    reporter = ProgressReporter(job.pk)
    try:
        with translation.override(job.language):
            result = run_import(
                path=job.file.path,
                kind=job.kind,
                user=job.created_by,
                commit=commit,
                name=job.file_name,
                progress=reporter,
            )
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            phase=ImportJob.Phase.DONE,
            message=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        import_job_discard_file(job=job)
        raise
    finally:
        reporter.close()
    counts = result.counts
    if result.unusable:
        status = ImportJob.Status.FAILED
    elif not result.valid:
        status = ImportJob.Status.INVALID
    elif result.committed:
        status = ImportJob.Status.COMMITTED
    else:
        status = ImportJob.Status.VALID
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        phase=ImportJob.Phase.DONE,
        rows_read=counts["read"],
        rows_valid=counts["valid"],
        rows_invalid=counts["invalid"],
        rows_new=counts["new"],
        rows_updated=counts["updated"],
        rows_unchanged=counts["unchanged"],
        error_count=result.error_count,
        errors=result.errors,
        duplicates=result.duplicates,
        message=result.unusable,
        heartbeat_at=timezone.now(),
        finished_at=timezone.now(),
        committed_at=timezone.now() if result.committed else None,
    )
    if status != ImportJob.Status.VALID:
        # Committed, or refused (errors, unusable): the file has served its purpose. A valid
        # preview keeps it until the commit reads it again.
        import_job_discard_file(job=job)
    job.refresh_from_db()
    job.result = result  # type: ignore[attr-defined]
    return job


def retention_days() -> int:
    """Days an import file is kept at most (``IMPORT_FILE_RETENTION_DAYS``, default 7)."""
    return int(getattr(settings, "IMPORT_FILE_RETENTION_DAYS", 7))


def import_job_discard_file(*, job: ImportJob) -> None:
    """Delete the job's uploaded file (personal IDs, phones); the record keeps its name and hash.

    The stored file goes once the change of the record is committed, so a rolled-back status
    never points at a file that is gone.
    """
    name = ImportJob.objects.filter(pk=job.pk).values_list("file", flat=True).first()
    if not name:
        return
    ImportJob.objects.filter(pk=job.pk).update(file="")
    storage = job.file.storage
    transaction.on_commit(lambda: storage.delete(name))


IMPORT_FILES_DIR = "imports"


def import_files_sweep(*, now: dt.datetime | None = None) -> int:
    """Delete import files older than ``IMPORT_FILE_RETENTION_DAYS``; returns how many.

    Those of jobs never committed (a valid preview left as it was, a job whose worker died)
    and any file under ``imports/`` that no job names (an upload whose record was rolled back).
    A running job keeps its file.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=retention_days())
    swept = 0
    old_jobs = ImportJob.objects.filter(created_at__lt=cutoff).exclude(file="").exclude(status=ImportJob.Status.RUNNING)
    for job in old_jobs.only("pk", "file").iterator():
        import_job_discard_file(job=job)
        swept += 1
    storage = ImportJob._meta.get_field("file").storage
    named = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    for name in _stored_files(storage, IMPORT_FILES_DIR):
        if name not in named and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            swept += 1
    return swept


def _stored_files(storage: Any, directory: str) -> list[str]:
    """Names of every file below ``directory`` of ``storage`` (none when it does not exist)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return []
    found = [f"{directory}/{name}" for name in files]
    for sub in directories:
        found += _stored_files(storage, f"{directory}/{sub}")
    return found


def import_jobs_sweep(*, now: dt.datetime | None = None) -> int:
    """Mark jobs whose worker stopped reporting (killed, lost) as failed; they can be re-run.

    Their transaction was rolled back with the worker, so the data is as before.
    """
    now = now or timezone.now()
    return ImportJob.objects.stale(now=now, after=stale_after()).update(
        status=ImportJob.Status.FAILED,
        phase=ImportJob.Phase.DONE,
        message=_("The import stopped without finishing; nothing was changed. Run it again."),
        finished_at=now,
    )


class ProgressReporter:
    """Records rows read / valid / invalid, the phase and a heartbeat after every batch.

    Inside the commit's transaction an update on the same connection would stay invisible
    until the end, so on PostgreSQL progress goes through a second connection; SQLite
    allows one writer, so there progress is only recorded outside the transaction.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._side: BaseDatabaseWrapper | None = None

    def __call__(self, phase: str, counts: Counter) -> None:
        values: dict[str, str | int | dt.datetime] = {
            "phase": phase,
            "rows_read": counts["read"],
            "rows_valid": counts["valid"],
            "rows_invalid": counts["invalid"],
            "heartbeat_at": timezone.now(),
        }
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(**values)
            return
        if connection.vendor != "postgresql":
            return
        if self._side is None:
            self._side = connections.create_connection("default")
        table = ImportJob._meta.db_table
        assignments = ", ".join(f"{name} = %s" for name in values)
        with self._side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*values.values(), self.job_id])

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
