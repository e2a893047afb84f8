"""Import jobs: recording, commit, background run, stale sweep, scope."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Child
from imports.models import ImportJob
from imports.selectors import import_jobs_visible
from imports.services import import_job_commit, import_job_create, import_job_start, import_jobs_sweep
from imports.tests.factories import CHILD_HEADER, ensure_codes

GOOD = "survey_year,commune_code,full_name,date_of_birth,sex\r\n2013,23281,Nguyễn Văn An,05/03/2010,Nam\r\n"


@pytest.fixture
def codes(db):
    ensure_codes()


def upload(user, text=GOOD, kind="children"):
    return import_job_create(user=user, kind=kind, file=ContentFile(text.encode()), file_name="c.csv")


def test_preview_then_commit_through_jobs(cast, codes):
    job = import_job_start(job=upload(cast.commune))
    assert (job.status, job.rows_new, job.phase) == ("valid", 1, "done")
    assert Child.objects.count() == 0
    job = import_job_commit(job=job, user=cast.commune)
    assert job.status == "committed" and job.committed_at is not None
    assert Child.objects.count() == 1
    with pytest.raises(ValidationError):
        import_job_commit(job=job, user=cast.commune)


def test_large_file_runs_in_the_background_task(cast, codes, settings):
    settings.IMPORTS_BACKGROUND_THRESHOLD = 10
    job = upload(cast.commune)
    # The test settings run tasks immediately; the on_commit hook fires at once here.
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        job = import_job_start(job=job)
    job.refresh_from_db()
    assert job.status == "valid" and job.rows_read == 1


def test_stale_running_job_is_marked_failed_and_can_be_rerun(cast, codes):
    job = upload(cast.commune)
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert import_jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == "failed"
    assert import_job_start(job=job).status == "valid"


def test_fresh_running_job_is_not_swept(cast, codes):
    job = upload(cast.commune)
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    assert import_jobs_sweep() == 0


def test_jobs_are_visible_in_scope_only(cast, codes):
    job = upload(cast.commune)
    assert job in import_jobs_visible(user=cast.district)
    assert job in import_jobs_visible(user=cast.province)
    assert job not in import_jobs_visible(user=cast.peer_commune)
    assert job not in import_jobs_visible(user=cast.no_unit)
    with pytest.raises(ValidationError):
        import_job_commit(job=job, user=cast.peer_commune)


def test_viewer_and_unitless_users_cannot_upload(cast, codes):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        upload(cast.viewer)
    with pytest.raises((PermissionDenied, ValidationError)):
        upload(cast.no_unit)


def test_errors_are_in_the_users_language(cast, codes):
    from django.utils import translation

    bad = "survey_year,commune_code,full_name,date_of_birth,sex\r\n2013,23281,A,31/02/2013,F\r\n"
    with translation.override("en"):
        job = import_job_start(job=upload(cast.commune, bad))
    assert job.language == "en"
    assert "not a valid date" in job.errors[0]["reason"]
    assert CHILD_HEADER
