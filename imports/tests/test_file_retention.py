"""Import files (personal IDs, phones) are deleted once the job is over, or after the retention period."""

from __future__ import annotations

import datetime as dt
import os
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from imports.models import ImportJob
from imports.services import import_files_sweep, import_job_commit, import_job_create, import_job_start
from imports.tests.factories import ensure_codes

GOOD = (
    "survey_year,commune_code,full_name,date_of_birth,sex,personal_id\r\n2013,23281,Nguyễn Văn An,05/03/2010,Nam,\r\n"
)
BAD = "survey_year,commune_code,full_name,date_of_birth,sex\r\n2013,23281,A,31/02/2013,F\r\n"


@pytest.fixture
def media(db, settings, tmp_path):
    ensure_codes()
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(user, text: str | bytes = GOOD) -> ImportJob:
    content = text.encode() if isinstance(text, str) else text
    return import_job_create(user=user, kind="children", file=ContentFile(content), file_name="tre-em.csv")


def test_file_is_kept_for_the_commit_then_deleted(cast, media, django_capture_on_commit_callbacks):
    job = upload(cast.commune)
    name = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_start(job=job)
    assert job.status == ImportJob.Status.VALID
    assert (media / name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_commit(job=job, user=cast.commune)
    assert job.status == ImportJob.Status.COMMITTED
    assert not (media / name).exists()
    job.refresh_from_db()
    assert not job.file
    assert (job.file_name, len(job.file_hash)) == ("tre-em.csv", 64)


def test_file_with_errors_is_deleted_after_the_check(cast, media, django_capture_on_commit_callbacks):
    job = upload(cast.commune, BAD)
    name = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_start(job=job)
    assert job.status == ImportJob.Status.INVALID
    assert not (media / name).exists()
    assert job.error_count == 1 and job.file_name == "tre-em.csv"


def test_unusable_file_is_deleted(cast, media, django_capture_on_commit_callbacks):
    job = upload(cast.commune, bytes(range(256)) * 50)
    name = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_start(job=job)
    assert job.status == ImportJob.Status.FAILED
    assert not (media / name).exists()


def test_file_is_deleted_when_the_run_crashes(cast, media, monkeypatch, django_capture_on_commit_callbacks):
    from imports import services

    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "run_import", crash)
    job = upload(cast.commune)
    name = job.file.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        import_job_start(job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not job.file
    assert not (media / name).exists()


def test_sweep_deletes_files_past_the_retention_period(cast, media, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_FILE_RETENTION_DAYS = 7
    old, fresh = upload(cast.commune), upload(cast.commune)
    with django_capture_on_commit_callbacks(execute=True):
        old, fresh = import_job_start(job=old), import_job_start(job=fresh)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    # A file no job names (its record was rolled back), from before the period, and a new one.
    orphan, new_orphan = media / "imports" / "2026" / "abc" / "lost.csv", media / "imports" / "new.csv"
    orphan.parent.mkdir(parents=True)
    orphan.write_text(GOOD)
    new_orphan.write_text(GOOD)
    long_ago = (timezone.now() - dt.timedelta(days=8)).timestamp()
    os.utime(orphan, (long_ago, long_ago))

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_imports", stdout=out)
    assert "2 import file(s) older than 7 day(s) deleted" in out.getvalue()
    assert not (media / old.file.name).exists() and not orphan.exists()
    assert (media / fresh.file.name).exists() and new_orphan.exists()
    old.refresh_from_db()
    assert not old.file and old.file_hash
    with pytest.raises(ValidationError) as exc:
        import_job_commit(job=old, user=cast.commune)
    assert "hãy tải tệp lên lại" in exc.value.messages[0]
    assert import_files_sweep() == 0


def test_a_job_whose_file_was_swept_fails_cleanly(cast, media):
    job = upload(cast.commune)
    ImportJob.objects.filter(pk=job.pk).update(file="")
    job.refresh_from_db()
    job = import_job_start(job=job, commit=True)
    assert job.status == ImportJob.Status.FAILED
    assert "hãy tải tệp lên lại" in job.message


def test_viewer_cannot_download_an_import_file(cast, media, client_for):
    job = upload(cast.commune)
    url = job.file.url
    assert client_for(cast.viewer).get(url).status_code == 403
    assert client_for(cast.peer_commune).get(url).status_code == 404
    response = client_for(cast.commune).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tre-em.csv"'
    b"".join(response.streaming_content) if response.streaming else response.content
