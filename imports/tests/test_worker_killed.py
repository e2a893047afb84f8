"""A real worker (``db_worker``, or ``rqworker`` on Redis) killed in the middle of a commit leaves the data
as before; the job runs again."""

import datetime as dt
import subprocess
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from cases.models import Child, SurveyRecord
from imports.models import ImportJob
from imports.services import import_job_commit, import_job_create, import_job_start, import_jobs_sweep
from imports.tests.factories import ensure_codes
from imports.tests.worker import BACKENDS, kill_worker, start_worker, stop_worker, use_backend

ROWS = 40_000

pytestmark = [
    # The worker is a second process: it needs a database server both can reach (CI runs this on PostgreSQL).
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database shared by two processes"),
    pytest.mark.django_db(transaction=True),
]


def survey_file(rows: int) -> bytes:
    lines = ["survey_year,commune_code,full_name,date_of_birth,sex,child_ref"]
    lines += [f"2024,23281,Trẻ Em {n},01/01/2015,{'M' if n % 2 else 'F'},W{n:06d}" for n in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def wait_until_writing(job: ImportJob, worker: subprocess.Popen, log: Path) -> ImportJob:
    deadline = time.monotonic() + 120
    while True:
        job.refresh_from_db()
        if job.phase == ImportJob.Phase.WRITING and job.rows_read:
            return job
        assert worker.poll() is None, log.read_text()
        assert job.status not in (ImportJob.Status.COMMITTED, ImportJob.Status.FAILED), job.message
        assert time.monotonic() < deadline, "the worker never started writing: " + log.read_text()
        time.sleep(0.02)


@pytest.mark.parametrize("backend", BACKENDS)
def test_worker_killed_during_the_commit_changes_nothing_and_the_job_runs_again(backend, cast, settings, tmp_path):
    ensure_codes()
    use_backend(settings, backend)
    job = import_job_create(
        user=cast.commune, kind="children", file=ContentFile(survey_file(ROWS)), file_name="survey.csv"
    )
    job = import_job_start(job=job, background=False)
    assert job.status == ImportJob.Status.VALID, job.errors[:3]

    log = tmp_path / "worker.log"
    worker = start_worker(log, backend)
    try:
        import_job_commit(job=job, user=cast.commune, background=True)
        job = wait_until_writing(job, worker, log)
        kill_worker(worker)
    finally:
        stop_worker(worker)

    # Killed half-way: batches were written, inside the worker's transaction, which died with it.
    assert 0 < job.rows_read < ROWS
    assert Child.objects.count() == 0
    assert SurveyRecord.objects.count() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING

    # The sweep notices the silent worker; the job is then simply run again.
    assert import_jobs_sweep(now=timezone.now() + dt.timedelta(hours=1)) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    job = import_job_start(job=job, commit=True, background=False)
    assert job.status == ImportJob.Status.COMMITTED
    assert Child.objects.count() == ROWS
    assert SurveyRecord.objects.filter(survey_year=2024).count() == ROWS
