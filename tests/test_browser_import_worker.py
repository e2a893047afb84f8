"""A large file through the real admin and a real worker (``db_worker`` or ``rqworker`` on Redis): upload →
progress → preview → import.

The worker is a second process on the test database, so this runs on PostgreSQL (as CI does).
Needs Debian's ``chromium`` and ``chromium-driver`` and Selenium.
"""

from __future__ import annotations

import pytest
from django.db import connection

from imports.tests.worker import BACKENDS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database shared by two processes"),
]

ROWS = 3000


@pytest.mark.parametrize("backend", BACKENDS)
def test_large_file_is_checked_and_imported_by_the_worker(
    backend, live_server, transactional_db, browser, cast, tmp_path, settings
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from cases.models import Child
    from imports.models import ImportJob
    from imports.tests.factories import ensure_codes
    from imports.tests.worker import start_worker, stop_worker, use_backend

    ensure_codes()
    use_backend(settings, backend)
    settings.IMPORTS_BACKGROUND_THRESHOLD = 10_000
    survey = tmp_path / "survey.csv"
    lines = ["Năm điều tra,Mã xã,Họ và tên,Ngày sinh,Giới tính,Mã trẻ em"]
    lines += [f"2024,23281,Trẻ Lớn {n},01/01/2015,{'Nam' if n % 2 else 'Nữ'},L{n:05d}" for n in range(ROWS)]
    survey.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert survey.stat().st_size > settings.IMPORTS_BACKGROUND_THRESHOLD

    log = tmp_path / "worker.log"
    worker = start_worker(log, backend)
    try:
        browser.get(f"{live_server.url}/admin/login/?next=/admin/cases/child/")
        browser.find_element(By.NAME, "username").send_keys("commune")
        browser.find_element(By.NAME, "password").send_keys("pw")
        browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        browser.find_element(By.CSS_SELECTOR, "a.import-link").click()
        browser.find_element(By.NAME, "file").send_keys(str(survey))
        browser.find_element(By.NAME, "_check").click()

        # The job page answers at once with a progress bar; the worker does the checking.
        assert browser.find_element(By.ID, "import-progress")
        job = ImportJob.objects.get()
        assert job.commit_requested is False
        slow = WebDriverWait(browser, 90, poll_frequency=0.2)
        slow.until(lambda b: b.find_elements(By.ID, "import-commit") or worker.poll() is not None)
        assert worker.poll() is None, log.read_text()
        assert browser.find_element(By.ID, "count-new").text.replace(".", "") == str(ROWS)
        assert Child.objects.count() == 0

        browser.find_element(By.ID, "import-commit").click()
        slow.until(lambda b: b.find_elements(By.ID, "import-done") or worker.poll() is not None)
        assert worker.poll() is None, log.read_text()
    finally:
        stop_worker(worker)
    job.refresh_from_db()
    assert (job.status, job.rows_new) == (ImportJob.Status.COMMITTED, ROWS)
    assert Child.objects.filter(child_ref__startswith="L").count() == ROWS

    browser.get(f"{live_server.url}/admin/cases/child/?q=tre+lon+2999")
    assert "Trẻ Lớn 2999" in browser.find_element(By.ID, "result_list").text
