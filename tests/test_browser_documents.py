"""An officer downloads form 03 of a case and the annual report as DOCX from the admin, in Chromium."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from cases.tests.test_documents import docx_text
from documents.content import NATIONAL_NAME


def _wait_for_file(folder: Path, suffix: str, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file downloaded into {folder}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_downloads_form_03_and_the_annual_report(live_server, cast, units, browser):
    from selenium.webdriver.common.by import By

    from cases.models import CaseForm
    from cases.tests.factories import CaseFactory

    case = CaseFactory(
        commune=units.quang_trung,
        case_ref="QLTH-2024-333",
        opened_on=dt.date(2024, 3, 25),
        child__full_name="Lê Thị Mai Anh",
    )
    CaseForm.objects.create(case=case, form="03", filled_on=dt.date(2024, 4, 2), sections={"needs": "Học bổng"})

    browser.get(f"{live_server.url}/admin/login/?next=/admin/cases/case/{case.pk}/change/")
    browser.find_element(By.NAME, "username").send_keys("province")
    browser.find_element(By.NAME, "password").send_keys("pw")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()

    browser.find_element(By.ID, "document-03-docx").click()
    form = _wait_for_file(browser.download_dir, ".docx")
    text = docx_text(form.read_bytes())
    assert NATIONAL_NAME in text and "Lê Thị Mai Anh" in text and "QLTH-2024-333" in text
    assert "ngày 02 tháng 4 năm 2024" in text
    form.unlink()

    browser.get(f"{live_server.url}/admin/reports/report/?unit=legacy-62&year=2024")
    browser.find_element(By.ID, "download-docx").click()
    report = _wait_for_file(browser.download_dir, ".docx")
    assert report.name == "annual-summary-62-2024.docx"
    text = docx_text(report.read_bytes())
    assert NATIONAL_NAME in text and "Tỉnh Kon Tum" in text
