"""Case work in headless Chromium, in Vietnamese: the queue on the home page, a transfer sent from the case
page and accepted from the receiving commune's queue, and the scope that follows the case
(docs/contract/case-work.md, "The work queue" and "Transfers").

The home page with the queue is saved as ``artifacts/home-queue-vi.png`` when ``WRITE_ARTIFACTS=1``,
otherwise in the test's temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture
def browser(tmp_path):
    from tests.browser import chromium

    driver = chromium(tmp_path, height=1600, language="vi")
    yield driver
    driver.quit()


def _load(browser, click) -> None:
    """Click and wait for the next page to be fully loaded, not just begun.

    The old page is marked; the wait ends on a complete document without the mark. Asking the browser
    while it swaps documents may fail (a node or script context of the old page): that is "not yet".
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("window.casework_old_page = true;")
    click()
    WebDriverWait(browser, 30, ignored_exceptions=[WebDriverException]).until(
        lambda b: b.execute_script("return !window.casework_old_page && document.readyState === 'complete';")
    )


def _sign_in(browser, live_server, username: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server.url}/admin/login/?next=/admin/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys("pw")
    _load(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click)
    assert browser.current_url == f"{live_server.url}/admin/", browser.current_url


def _sign_out(browser) -> None:
    from selenium.webdriver.common.by import By

    _load(browser, browser.find_element(By.CSS_SELECTOR, "#logout-form button[type=submit]").click)
    assert browser.current_url.endswith("/admin/logout/"), browser.current_url
    assert "Đăng nhập lại" in browser.find_element(By.ID, "content").text


def _tool(browser, label: str):
    """An object-tools link by its text (the admin writes those in capitals, so not by rendered text)."""
    from selenium.webdriver.common.by import By

    return browser.find_element(By.XPATH, f"//ul[contains(@class, 'object-tools')]//a[normalize-space()='{label}']")


def _messages(browser) -> str:
    from selenium.webdriver.common.by import By

    return " ".join(m.text for m in browser.find_elements(By.CSS_SELECTOR, "ul.messagelist li"))


def _screenshot_folder(tmp_path: Path) -> Path:
    folder = ARTIFACTS if os.environ.get("WRITE_ARTIFACTS") == "1" else tmp_path
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def target(units):
    """A commune of current Quảng Ngãi that exists today (the legacy communes ended with the merger)."""
    from locations.models import Unit

    return (
        Unit.objects.filter(edition="current", level="commune", parent__code="51")
        .exclude(pk=units.kontum_ward.pk)
        .order_by("code")
        .last()
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_emergency_is_transferred_from_the_queue_and_accepted_by_the_receiving_commune(
    live_server, cast, units, target, browser, tmp_path
):
    from django.utils import timezone
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from cases.consent import Consent
    from cases.models import Case
    from cases.tests.factories import CaseFactory, ChildFactory
    from cases.transfers import Transfer
    from conftest import make_user

    reported = timezone.now() - dt.timedelta(hours=2)
    child = ChildFactory(commune=units.quang_trung, full_name="Hồ Thị Chuyển")
    case = CaseFactory(
        commune=units.quang_trung,
        child=child,
        case_ref="QT-KHAN-0001",
        emergency=True,
        opened_on=timezone.localdate(reported),
        reported_at=reported,
        intervention_due_at=reported + dt.timedelta(hours=12),
        assigned_to=cast.commune,
    )
    # A current data_sharing consent: the transfer needs no manager's override (data-protection.md).
    Consent.objects.create(
        child=child, party="representative", purpose=Consent.Purpose.DATA_SHARING, given_on=dt.date(2024, 1, 1)
    )
    receiver = make_user("receiver", "commune_officer", target)

    # 1. The commune officer sees the emergency in the queue of the home page and opens it.
    _sign_in(browser, live_server, "commune")
    queue = browser.find_element(By.CSS_SELECTOR, ".home-queue")
    assert "Việc cần làm ngay" in queue.text, queue.text
    row = browser.find_element(By.ID, "queue-emergency_due")
    assert "Khẩn cấp, đang trong 12 giờ" in row.text and "Hồ Thị Chuyển" in row.text, row.text
    assert row.find_elements(By.TAG_NAME, "td")[0].text == "1"
    browser.save_screenshot(str(_screenshot_folder(tmp_path) / "home-queue-vi.png"))
    _load(browser, row.find_element(By.LINK_TEXT, "QT-KHAN-0001").click)
    assert browser.current_url.endswith(f"/admin/cases/case/{case.pk}/change/"), browser.current_url

    # 2. It sends the case to the other commune with the case page's button and the transfer form.
    _load(browser, _tool(browser, "Chuyển hồ sơ này").click)
    assert f"/admin/cases/transfer/request/{case.pk}/" in browser.current_url
    Select(browser.find_element(By.NAME, "to_unit")).select_by_value(str(target.pk))
    browser.find_element(By.NAME, "reason").send_keys("Gia đình chuyển nơi ở")
    _load(browser, browser.find_element(By.CSS_SELECTOR, "form input[type=submit]").click)
    assert "Đã gửi yêu cầu chuyển hồ sơ" in _messages(browser), browser.page_source
    transfer = Transfer.objects.get(case=case)
    assert transfer.status == Transfer.Status.PENDING and transfer.to_unit == target
    assert transfer.consent_override_by is None
    _sign_out(browser)

    # 3. The receiving commune's officer sees it under the incoming transfers, opens it and accepts it.
    _sign_in(browser, live_server, "receiver")
    row = browser.find_element(By.ID, "queue-transfers_incoming")
    assert "Hồ sơ chuyển đến" in row.text and "Hồ Thị Chuyển" in row.text, row.text
    assert browser.find_element(By.ID, "queue-emergency_due").find_elements(By.TAG_NAME, "td")[0].text == "0"
    _load(browser, row.find_element(By.LINK_TEXT, "QT-KHAN-0001").click)
    assert browser.current_url.endswith(f"/admin/cases/transfer/{transfer.pk}/change/"), browser.current_url
    summary = browser.find_element(By.ID, "content").text
    assert "Hồ Thị Chuyển" in summary and "Gia đình chuyển nơi ở" in summary, summary
    # The file stays closed to the receiver until it accepts: no link to the case.
    assert not browser.find_elements(By.CSS_SELECTOR, f"a[href*='/admin/cases/case/{case.pk}/']")
    _load(browser, _tool(browser, "Nhận chuyển hồ sơ").click)
    Select(browser.find_element(By.NAME, "assign_to")).select_by_value(str(receiver.pk))
    _load(browser, browser.find_element(By.CSS_SELECTOR, "form input[type=submit]").click)
    assert "Yêu cầu chuyển hồ sơ hiện ở trạng thái" in _messages(browser), browser.page_source
    case.refresh_from_db()
    assert case.commune == target and case.assigned_to == receiver
    _sign_out(browser)

    # 4. The first officer no longer reaches the case: not on its page, not in the list, not in the queue.
    _sign_in(browser, live_server, "commune")
    assert "QT-KHAN-0001" not in browser.find_element(By.CSS_SELECTOR, ".home-queue").text
    browser.get(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    # The admin's "does not exist" answer, the same as for an id that never existed.
    assert browser.current_url == f"{live_server.url}/admin/", browser.current_url
    assert "không tồn tại" in _messages(browser), _messages(browser)
    browser.get(f"{live_server.url}/admin/cases/case/")
    assert "QT-KHAN-0001" not in browser.find_element(By.ID, "changelist").text
    _sign_out(browser)

    # 5. The receiver now has the case: its page, the list and its own queue.
    _sign_in(browser, live_server, "receiver")
    mine = browser.find_element(By.ID, "queue-assigned_to_me")
    assert "QT-KHAN-0001" in mine.text, mine.text
    _load(browser, mine.find_element(By.LINK_TEXT, "QT-KHAN-0001").click)
    assert browser.current_url.endswith(f"/admin/cases/case/{case.pk}/change/"), browser.current_url
    assert "QT-KHAN-0001" in browser.find_element(By.ID, "content").text
    browser.get(f"{live_server.url}/admin/cases/case/")
    assert "QT-KHAN-0001" in browser.find_element(By.ID, "changelist").text
    assert Case.objects.visible_to(receiver).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(cast.commune).filter(pk=case.pk).exists()
