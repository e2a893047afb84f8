"""The child form in headless Chromium: its widgets (filter_horizontal, calendar) speak Vietnamese and the
calendar writes the picked day as DD/MM/YYYY. Saves artifacts/child-form-vi.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture
def browser(tmp_path):
    from tests.browser import chromium

    driver = chromium(tmp_path, height=2600, language="vi")
    yield driver
    driver.quit()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_child_form_widgets_speak_vietnamese(live_server, cast, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server.url}/admin/login/?next=/admin/cases/child/add/")
    browser.find_element(By.NAME, "username").send_keys("commune")
    browser.find_element(By.NAME, "password").send_keys("pw")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    assert "/admin/cases/child/add/" in browser.current_url

    # filter_horizontal: the headings, help and buttons come from the JavaScript catalogue.
    selector = browser.find_element(By.CSS_SELECTOR, ".selector")
    text = selector.text
    assert "có thể chọn" in text and "đã chọn" in text, text
    assert "Chọn tất cả" in text and "Bỏ chọn tất cả" in text, text
    assert "Choose" not in text and "Remove" not in text, text

    # The calendar: Vietnamese captions, and today written day first into the field.
    field = browser.find_element(By.ID, "id_date_of_birth")
    link = browser.find_element(By.CSS_SELECTOR, "#id_date_of_birth ~ .datetimeshortcuts button[id^=calendarlink]")
    link.click()
    calendar = browser.find_element(By.ID, link.get_attribute("id").replace("calendarlink", "calendarbox"))
    assert calendar.is_displayed()
    assert "THÁNG" in calendar.find_element(By.TAG_NAME, "caption").text.upper()
    assert "Hôm nay" in calendar.text and "Hủy" in calendar.text, calendar.text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "child-form-vi.png"))
    calendar.find_element(By.CSS_SELECTOR, ".calendar-shortcuts a").click()  # "Hôm nay"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", field.get_attribute("value")), field.get_attribute("value")
