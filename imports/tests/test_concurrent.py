"""Two imports of the same file at once never create duplicates: in two threads, and in two real
workers of each task backend."""

import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections

from cases.models import Child, SurveyRecord
from imports.models import ImportJob
from imports.pipeline import run_import
from imports.services import import_job_commit, import_job_create, import_job_start
from imports.tests.factories import ensure_codes, write_csv
from imports.tests.worker import BACKENDS, start_worker, stop_worker, use_backend

ROWS = 300

pytestmark = [
    # Two connections writing at once: PostgreSQL's locks (the in-memory SQLite test database is one connection's).
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two concurrent database connections"),
    pytest.mark.django_db(transaction=True),
]


def test_the_same_file_imported_twice_at_once_adds_each_child_once(tmp_path, cast):
    ensure_codes()
    # No personal ID or child reference: only the folded name, birth and commune tell that a row is
    # the same child, so no unique index would stop a second copy; the import's lock must.
    rows = [["survey_year", "commune_code", "full_name", "date_of_birth", "sex"]]
    rows += [[2024, "23281", f"Trẻ Song Song {n}", "01/01/2015", "F"] for n in range(ROWS)]
    path = write_csv(tmp_path / "same.csv", rows)
    start = threading.Barrier(2)
    results = []

    def import_once():
        try:
            start.wait()
            results.append(run_import(path=path, kind="children", user=cast.commune, commit=True))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=import_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2 and all(r.committed for r in results), [r.errors[:2] for r in results]
    assert Child.objects.count() == ROWS
    assert SurveyRecord.objects.count() == ROWS
    assert sorted((r.counts["new"], r.counts["unchanged"]) for r in results) == [(0, ROWS), (ROWS, 0)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_same_file_committed_twice_by_two_workers_adds_each_child_once(backend, cast, settings, tmp_path):
    """Two background commits of one file, run at once by two real workers of the backend."""
    ensure_codes()
    use_backend(settings, backend)
    lines = ["survey_year,commune_code,full_name,date_of_birth,sex"]
    lines += [f"2024,23281,Trẻ Hai Tiến Trình {n},01/01/2015,M" for n in range(ROWS)]
    content = ("\n".join(lines) + "\n").encode()
    jobs = []
    for _ in range(2):
        job = import_job_create(user=cast.commune, kind="children", file=ContentFile(content), file_name="same.csv")
        job = import_job_start(job=job, background=False)
        assert job.status == ImportJob.Status.VALID, job.errors[:3]
        jobs.append(job)
    for job in jobs:
        import_job_commit(job=job, user=cast.commune, background=True)
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    workers = [start_worker(log, backend) for log in logs]
    try:
        deadline = time.monotonic() + 180
        while any(job.status != ImportJob.Status.COMMITTED for job in jobs):
            for job in jobs:
                job.refresh_from_db()
                assert job.status != ImportJob.Status.FAILED, job.message
            assert all(w.poll() is None for w in workers), [log.read_text() for log in logs]
            assert time.monotonic() < deadline, [log.read_text() for log in logs]
            time.sleep(0.1)
    finally:
        for worker in workers:
            stop_worker(worker)
    assert Child.objects.count() == ROWS
    assert SurveyRecord.objects.count() == ROWS
    assert sorted((job.rows_new, job.rows_unchanged) for job in jobs) == [(0, ROWS), (ROWS, 0)]
