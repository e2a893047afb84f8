"""A real headless Chromium through an import: log in → template → upload with an error →
the error in the preview → corrected file → import → the new rows in the changelist.

Needs Debian's ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``) and Selenium.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.urls("imports.tests.urls")]


def wait_for_file(path: Path, seconds: float = 20) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size > 0:
            return path
        time.sleep(0.1)
    raise AssertionError(f"{path.name} was not downloaded")


def test_import_children_through_the_browser(live_server, transactional_db, browser, cast, tmp_path):
    from selenium.webdriver.common.by import By

    from cases.models import Child
    from imports.tests.factories import ensure_codes

    ensure_codes()
    browser.get(f"{live_server.url}/admin/login/?next=/buttons/cases/child/")
    browser.find_element(By.NAME, "username").send_keys("commune")
    browser.find_element(By.NAME, "password").send_keys("pw")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    assert "/buttons/cases/child/" in browser.current_url

    # The CSV template, with its Vietnamese headers and example row.
    browser.find_element(By.PARTIAL_LINK_TEXT, "CSV").click()
    template = wait_for_file(tmp_path / "mau_children.csv").read_text(encoding="utf-8-sig")
    header, example = list(csv.reader(io.StringIO(template)))
    assert header[:3] == ["Năm điều tra", "Mã xã", "Họ và tên"]

    def write(rows, name):
        path = tmp_path / name
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *rows])
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return path

    second = list(example)
    second[header.index("Họ và tên")] = "Trần Thị Bé"
    second[header.index("Ngày sinh")] = "31/02/2013"
    second[header.index("Giới tính")] = "Nữ"
    second[header.index("Số định danh cá nhân")] = ""
    second[header.index("Mã trẻ em")] = "KT-2024-0002"

    browser.find_element(By.CSS_SELECTOR, "a.import-link").click()
    browser.find_element(By.NAME, "file").send_keys(str(write([example, second], "with_error.csv")))
    browser.find_element(By.NAME, "_check").click()
    errors = browser.find_element(By.ID, "import-errors").text
    assert "31/02/2013" in errors
    assert not browser.find_elements(By.ID, "import-commit")
    assert Child.objects.count() == 0

    second[header.index("Ngày sinh")] = "28/02/2013"
    browser.find_element(By.ID, "import-upload-again").click()
    browser.find_element(By.NAME, "file").send_keys(str(write([example, second], "fixed.csv")))
    browser.find_element(By.NAME, "_check").click()
    browser.find_element(By.ID, "import-commit").click()
    assert browser.find_element(By.ID, "import-done")
    assert Child.objects.count() == 2

    browser.get(f"{live_server.url}/buttons/cases/child/")
    listing = browser.find_element(By.ID, "result_list").text
    assert "Nguyễn Văn An" in listing and "Trần Thị Bé" in listing
