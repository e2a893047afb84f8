"""A headless Chromium for the browser tests (Debian's ``chromium`` and ``chromium-driver``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium(downloads: Path, *, height: int = 1000, language: str = "") -> Any:
    """A headless Chromium that saves downloads in ``downloads`` (kept as ``driver.download_dir``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--window-size=1280,{height}"]:
        options.add_argument(flag)
    prefs: dict[str, str] = {"download.default_directory": str(downloads)}
    if language:
        # The pages follow the browser's language, as for an officer whose browser is in Vietnamese.
        options.add_argument(f"--lang={language}")
        prefs["intl.accept_languages"] = language
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.download_dir = downloads
    # Elements may appear a moment after a click on a loaded machine.
    driver.implicitly_wait(5)
    return driver
