"""The admin and report pages carry a content security policy that runs no inline code without its nonce."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_BLOCK = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name] and "'unsafe-eval'" not in directives[name]
    nonce = next(v for v in directives["script-src"] if v.startswith("'nonce-"))[len("'nonce-") : -1]
    html = response.content.decode()
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)
    for tag, attrs in INLINE_BLOCK.findall(html):
        if tag.lower() == "script" and ("src=" in attrs or "application/json" in attrs):
            continue
        assert f'nonce="{nonce}"' in attrs, (tag, attrs)


@pytest.fixture
def pages(cast, units, settings, tmp_path):
    from imports.models import ImportJob
    from reports.tests.factories import CaseFactory, OutreachEventFactory
    from tests.scope_world import build_case_attachment

    settings.MEDIA_ROOT = tmp_path
    CaseFactory(commune=units.quang_trung, opened_on=dt.date(2024, 3, 1))
    OutreachEventFactory(unit=units.quang_trung, date=dt.date(2024, 4, 2), participants_total=20)
    attachment = build_case_attachment(units.quang_trung)
    job = ImportJob(kind="children", file_name="a.csv", file_hash="0" * 64, unit=units.quang_trung)
    job.file.save("a.csv", ContentFile(b"survey_year\n"), save=False)
    job.save()
    changelists = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
        if model._meta.app_label in {"cases", "programs", "outreach", "imports"}
    ]
    return [
        reverse("admin:index"),
        *changelists,
        reverse("admin:cases_child_add"),
        reverse("admin:cases_case_change", args=[attachment.case_id]),
        reverse("admin:imports_importjob_add"),
        # Still running: the page polls its progress with an inline script.
        reverse("admin:imports_importjob_change", args=[job.pk]),
        reverse("admin:reports_report_changelist") + "?unit=legacy-62&year=2024",
        reverse("admin:reports_report_filtered", args=["cases"]) + "?year=2024",
    ]


def test_admin_and_report_pages_run_only_code_the_policy_allows(pages, cast, client_for):
    client = client_for(cast.province)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_the_sign_in_page_has_the_policy_too(client):
    response = client.get(reverse("admin:login"))
    assert_strict(response)


def test_downloads_keep_their_own_sandbox_policy(cast, client_for, units, settings, tmp_path):
    from scope.downloads import download_url
    from tests.scope_world import build_case_attachment

    settings.MEDIA_ROOT = tmp_path
    attachment = build_case_attachment(units.quang_trung)
    response = client_for(cast.commune).get(download_url(attachment, "file"))
    assert response["Content-Security-Policy"] == "sandbox"
    b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_raise_no_policy_violation_in_a_browser(live_server, cast, units, browser, settings, tmp_path):
    from selenium.webdriver.common.by import By

    from imports.models import ImportJob
    from reports.tests.factories import CaseFactory, OutreachEventFactory
    from tests.scope_world import build_case_attachment

    settings.MEDIA_ROOT = tmp_path
    CaseFactory(commune=units.quang_trung, opened_on=dt.date(2024, 3, 1))
    OutreachEventFactory(unit=units.quang_trung, date=dt.date(2024, 4, 2), participants_total=20)
    attachment = build_case_attachment(units.quang_trung)
    job = ImportJob(kind="children", file_name="a.csv", file_hash="0" * 64, unit=units.quang_trung)
    job.file.save("a.csv", ContentFile(b"survey_year\n"), save=False)
    job.save()
    # Collect every violation the page reports, from before its first script runs.
    browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.__csp = []; document.addEventListener('securitypolicyviolation', "
            "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        },
    )
    browser.get(f"{live_server.url}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys("province")
    browser.find_element(By.NAME, "password").send_keys("pw")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    urls = [
        reverse("admin:index"),
        reverse("admin:cases_child_add"),
        reverse("admin:cases_case_change", args=[attachment.case_id]),
        reverse("admin:imports_importjob_change", args=[job.pk]),
        reverse("admin:reports_report_changelist") + "?unit=legacy-62&year=2024",
        reverse("admin:reports_report_filtered", args=["cases"]) + "?year=2024",
    ]
    for url in urls:
        browser.get(live_server.url + url)
        assert browser.execute_script("return document.readyState") == "complete"
        assert browser.execute_script("return window.__csp") == [], url
    # The admin's own scripts ran: the date field has its calendar shortcut.
    browser.get(live_server.url + reverse("admin:cases_child_add"))
    assert browser.find_elements(By.CSS_SELECTOR, ".datetimeshortcuts")
    # The report's charts and its print link (a static script now) are there.
    browser.get(live_server.url + reverse("admin:reports_report_changelist") + "?unit=legacy-62&year=2024")
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.report-chart")) == 3
    assert browser.execute_script("return typeof window.print") == "function"
    # And the policy is really in force: a script slipped into the page does not run.
    injected = "var s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
    injected += " document.body.appendChild(s); return window.__ran === undefined;"
    assert browser.execute_script(injected) is True
