"""API ``imports``: upload with its kind, poll, commit, errors; scope."""

import io

import pytest

from cases.models import Child
from imports.models import ImportJob
from imports.tests.factories import ensure_codes

GOOD = "survey_year;commune_code;full_name;date_of_birth;sex\r\n2013;23281;Nguyễn Văn An;05/03/2010;Nam\r\n"
BAD = GOOD + "2013;99999;Trần Bé;2011;Nữ\r\n"


@pytest.fixture
def codes(db):
    ensure_codes()


def post(client, text, kind="children", **extra):
    file = io.BytesIO(text.encode())
    file.name = "f.csv"
    return client.post("/api/v1/imports/", {"kind": kind, "file": file, **extra})


def test_upload_poll_commit(client_for, cast, codes):
    client = client_for(cast.district)
    response = post(client, GOOD)
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["counts"]["new"]) == ("valid", 1)
    assert Child.objects.count() == 0
    polled = client.get(f"/api/v1/imports/{job['id']}/").json()
    assert polled["phase"] == "done"
    committed = client.post(f"/api/v1/imports/{job['id']}/commit/")
    assert committed.status_code == 200 and committed.json()["status"] == "committed"
    assert Child.objects.count() == 1
    assert client.post(f"/api/v1/imports/{job['id']}/commit/").status_code == 400


def test_upload_with_commit_in_one_call(client_for, cast, codes):
    response = post(client_for(cast.commune), GOOD, commit="true")
    assert response.json()["status"] == "committed"
    assert Child.objects.count() == 1


@pytest.mark.parametrize(("text", "status", "children"), [(GOOD, "committed", 1), (BAD, "invalid", 0)])
def test_large_file_with_commit_is_checked_and_applied_by_the_worker(
    client_for, cast, codes, settings, django_capture_on_commit_callbacks, text, status, children
):
    settings.IMPORTS_BACKGROUND_THRESHOLD = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client_for(cast.commune), text, commit="true")
    assert response.json()["status"] == "pending"
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.commit_requested) == (status, True)
    assert Child.objects.count() == children


def test_errors_are_listed_and_downloadable(client_for, cast, codes):
    client = client_for(cast.commune)
    job = post(client, BAD, commit="true").json()
    assert job["status"] == "invalid"
    assert job["errors"][0]["row"] == 3 and job["errors"][0]["column"] == "commune_code"
    csv_text = client.get(f"/api/v1/imports/{job['id']}/errors/").content.decode("utf-8-sig")
    assert "3,commune_code,99999" in csv_text
    assert Child.objects.count() == 0


def test_other_scopes_get_404(client_for, cast, codes):
    job = post(client_for(cast.commune), GOOD).json()
    client = client_for(cast.peer_district)
    assert client.get(f"/api/v1/imports/{job['id']}/").status_code == 404
    assert client.post(f"/api/v1/imports/{job['id']}/commit/").status_code == 404
    assert client.get("/api/v1/imports/").json()["count"] == 0
    assert Child.objects.count() == 0


def test_unknown_kind_and_viewer(client_for, cast, codes):
    assert post(client_for(cast.commune), GOOD, kind="pets").status_code == 400
    assert post(client_for(cast.viewer), GOOD).status_code == 403
    assert ImportJob.objects.count() == 0


def test_list_leaves_out_errors_and_duplicates_the_detail_has_them(client_for, cast, codes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.commune)
    job = post(client, BAD).json()
    with CaptureQueriesContext(connection) as queries:
        listed = client.get("/api/v1/imports/").json()["results"]
    assert [j["id"] for j in listed] == [job["id"]]
    assert listed[0]["error_count"] == 1 and "errors" not in listed[0] and "duplicates" not in listed[0]
    jobs = [q["sql"] for q in queries.captured_queries if 'FROM "imports_importjob"' in q["sql"]]
    assert jobs and not any('"imports_importjob"."errors"' in sql for sql in jobs)
    detail = client.get(f"/api/v1/imports/{job['id']}/").json()
    assert detail["errors"][0]["column"] == "commune_code" and detail["duplicates"] == []
