"""A manager opens the annual summary in headless Chromium, changes the filter, downloads the XLSX."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def _submit(browser) -> None:
    """Click "Show" and wait for the new page to be fully loaded, not just begun."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, "report-submit").click()
    wait = WebDriverWait(browser, 30)
    wait.until(expected_conditions.staleness_of(page))
    wait.until(lambda b: b.execute_script("return document.readyState") == "complete")


@pytest.fixture
def browser(tmp_path):
    from tests.browser import chromium

    driver = chromium(tmp_path, height=2000, language="vi")
    yield driver
    driver.quit()


def _wait_for_file(folder: Path, suffix: str, timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file downloaded into {folder}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_runs_annual_summary_and_downloads_xlsx(live_server, cast, units, browser):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from reports.tests.factories import CaseFactory, OutreachEventFactory

    CaseFactory(commune=units.quang_trung, opened_on=dt.date(2023, 3, 1))
    CaseFactory(commune=units.dakglei_town, opened_on=dt.date(2024, 3, 1))
    OutreachEventFactory(unit=units.quang_trung, date=dt.date(2024, 4, 2), participants_total=16500)

    browser.get(f"{live_server.url}/admin/login/?next=/admin/reports/report/")
    browser.find_element(By.NAME, "username").send_keys("manager")
    browser.find_element(By.NAME, "password").send_keys("pw")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()

    year = browser.find_element(By.NAME, "year")
    year.clear()
    year.send_keys("2023")
    Select(browser.find_element(By.NAME, "unit")).select_by_value("legacy-62")
    _submit(browser)
    assert "2023" in browser.find_element(By.ID, "report-title").text
    assert "1 em" in browser.find_element(By.ID, "report-narrative").text

    # Change the filter: the next year, with the outreach event and both children.
    year = browser.find_element(By.NAME, "year")
    year.clear()
    year.send_keys("2024")
    _submit(browser)
    narrative = browser.find_element(By.ID, "report-narrative").text
    assert "2 em" in narrative and "16.500 lượt người" in narrative
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.report-chart")) == 3

    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "reports-annual-summary.png"))

    browser.find_element(By.ID, "download-xlsx").click()
    xlsx = _wait_for_file(browser.download_dir, ".xlsx")
    shutil.copy(xlsx, ARTIFACTS / "reports-annual-summary.xlsx")
    sheet = load_workbook(xlsx).worksheets[0]
    values = {row[0]: row[2] for row in sheet.iter_rows(values_only=True) if row and len(row) > 2}
    assert values["children_managed"] == 2
    assert values["outreach_participants"] == 16500
