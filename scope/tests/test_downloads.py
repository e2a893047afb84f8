"""Stored files leave only through the protected download view, never from /media/."""

from __future__ import annotations

import importlib
import logging
from urllib.parse import quote

import pytest
from django.urls import clear_url_caches, reverse

from scope.downloads import check_file_fields, download_url, project_file_fields
from tests.scope_world import PDF, build_attachment, build_case_attachment, build_import_job, build_support_plan


def _body(response) -> bytes:
    # Reading a streamed answer to its end closes it (and its file) the way a server does.
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def attachment(units, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_case_attachment(units.quang_trung)


@pytest.fixture
def debug_urls(settings):
    """The URLs as a server started with DEBUG on builds them."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.parametrize("debug", [True, False])
def test_media_urls_answer_404_to_everyone_with_debug_on_or_off(attachment, cast, client, request, debug):
    if debug:
        request.getfixturevalue("debug_urls")
    url = "/media/" + attachment.file.name
    assert client.get(url).status_code == 404
    client.force_login(cast.commune)
    assert client.get(url).status_code == 404


def test_anonymous_download_is_sent_to_sign_in(attachment, client):
    response = client.get(download_url(attachment, "file"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_download_in_scope_is_an_attachment_that_never_runs(attachment, cast, client_for):
    response = client_for(cast.commune).get(download_url(attachment, "file"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert "no-store" in response["Cache-Control"]
    assert _body(response) == PDF


@pytest.mark.parametrize("who", ["peer_commune", "peer_district", "other_province", "no_unit", "collaborator"])
def test_download_out_of_scope_answers_like_a_missing_file(attachment, cast, client_for, who):
    client = client_for(getattr(cast, who))
    response = client.get(download_url(attachment, "file"))
    missing = client.get(reverse("protected-file", args=["cases", "caseattachment", 10**9, "file"]))
    if who == "collaborator":
        # No permission on attachments at all: refused before any row is looked at.
        assert response.status_code == missing.status_code == 403
    else:
        assert response.status_code == missing.status_code == 404


def test_viewer_is_refused_and_cannot_tell_which_files_exist(attachment, cast, client_for):
    client = client_for(cast.viewer)
    assert client.get(download_url(attachment, "file")).status_code == 403
    assert client.get(reverse("protected-file", args=["cases", "caseattachment", 10**9, "file"])).status_code == 403


def test_production_answer_is_an_internal_redirect_for_the_web_server(attachment, cast, client_for, settings):
    settings.PROTECTED_MEDIA_REDIRECT = "/protected/"
    response = client_for(cast.district).get(download_url(attachment, "file"))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected/" + quote(attachment.file.name)
    assert _body(response) == b""
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_api_token_user_downloads_the_file(attachment, cast, client):
    token = client.post("/api/v1/auth/token/", {"username": "commune", "password": "pw"}).json()["token"]
    response = client.get(download_url(attachment, "file"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert _body(response) == PDF
    wrong = client.get(download_url(attachment, "file"), HTTP_AUTHORIZATION="Token nope")
    assert wrong.status_code == 302


def test_missing_file_unknown_model_or_field_is_404(attachment, cast, client_for):
    client = client_for(cast.superuser)
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(download_url(attachment, "file")).status_code == 404
    case = attachment.case
    assert client.get(reverse("protected-file", args=["cases", "case", case.pk, "notes"])).status_code == 404
    assert client.get(reverse("protected-file", args=["cases", "nosuch", case.pk, "file"])).status_code == 404
    assert client.get(reverse("protected-file", args=["cases", "caseattachment", case.pk, "nosuch"])).status_code == 404


def test_every_download_is_recorded_once(attachment, cast, client_for, caplog):
    client = client_for(cast.commune)
    with caplog.at_level(logging.INFO, logger="cpmis.downloads"):
        _body(client.get(download_url(attachment, "file")))
        client.get(reverse("protected-file", args=["cases", "caseattachment", 10**9, "file"]))
    records = [r.getMessage() for r in caplog.records if r.name == "cpmis.downloads"]
    expected = f"download cases.CaseAttachment pk={attachment.pk} field=file by user {cast.commune.pk} from 127.0.0.1"
    assert records == [expected]


def test_admin_pages_link_files_to_the_download_view(attachment, cast, client_for, units):
    client = client_for(cast.commune)
    page = client.get(reverse("admin:cases_case_change", args=[attachment.case_id])).content.decode()
    assert f'href="{download_url(attachment, "file")}"' in page
    assert "/media/" not in page
    plan = build_support_plan(units.quang_trung)
    page = client.get(reverse("admin:cases_case_change", args=[plan.case_id])).content.decode()
    assert f'href="{download_url(plan, "document")}"' in page
    event_attachment = build_attachment(units.quang_trung)
    page = client.get(reverse("admin:outreach_outreachevent_change", args=[event_attachment.event_id]))
    assert f'href="{download_url(event_attachment, "file")}"' in page.content.decode()
    assert "/media/" not in page.content.decode()


def test_api_links_files_to_the_download_view(cast, units, settings, tmp_path):
    from rest_framework.test import APIClient

    settings.MEDIA_ROOT = tmp_path
    event_attachment = build_attachment(units.quang_trung)
    client = APIClient()
    client.force_authenticate(cast.commune)
    data = client.get(f"/api/v1/events/{event_attachment.event_id}/").json()
    assert data["attachments"][0]["file"] == "http://testserver" + download_url(event_attachment, "file")


def test_stored_names_are_random_and_keep_the_uploaded_name(units, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, second = build_case_attachment(units.quang_trung), build_case_attachment(units.quang_trung)
    assert first.file.name != second.file.name
    for stored in (first.file, second.file):
        prefix, year, random, name = stored.name.split("/")[1:]
        assert (prefix, name) == ("attachments", "bien-ban.pdf")
        assert len(random) == 32 and int(random, 16) and year.isdigit()
        assert stored.display_name == "bien-ban.pdf"
    job = build_import_job(units.quang_trung)
    assert job.file.name.startswith("imports/") and job.file.name.endswith("/tre-em.csv")
    assert len(job.file.name.split("/")) == 4


def test_every_file_field_is_protected_and_scoped():
    fields = {f"{model._meta.label}.{field.name}" for model, field in project_file_fields()}
    assert {
        "cases.CaseAttachment.file",
        "cases.SupportPlan.document",
        "outreach.EventAttachment.file",
        "imports.ImportJob.file",
    } <= fields
    assert check_file_fields() == []


def test_a_plain_file_field_fails_the_system_check(monkeypatch):
    from django.db import models

    from cases.models import Category
    from scope import downloads

    field = models.FileField(upload_to="x/")
    field.name = "scan"
    monkeypatch.setattr(downloads, "project_file_fields", lambda: [(Category, field)])
    assert sorted(error.id for error in check_file_fields()) == ["accounts.E010", "accounts.E011"]


def test_redirect_setting_must_be_a_path():
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROTECTED_MEDIA_REDIRECT": "protected", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "PROTECTED_MEDIA_REDIRECT must be a path" in result.stderr


def test_a_download_is_an_access_event_and_a_refused_one_too(attachment, cast, client_for):
    from audit.models import AccessEvent

    client = client_for(cast.commune)
    _body(client.get(download_url(attachment, "file")))
    event = AccessEvent.objects.get(action="download", outcome="ok")
    assert (event.user, event.case_id, event.object_id) == (cast.commune, attachment.case_id, str(attachment.pk))
    outsider = client_for(cast.peer_commune)
    assert outsider.get(download_url(attachment, "file")).status_code == 404
    refused = AccessEvent.objects.get(action="download", outcome="refused")
    assert refused.user == cast.peer_commune
