"""A headless Chromium for the browser tests (Debian's ``chromium`` and ``chromium-driver``).

The browser is found at ``CHROMIUM`` and its driver at ``CHROMEDRIVER`` (environment variables),
by default ``/usr/bin/chromium`` and ``/usr/bin/chromedriver``, else on the ``PATH``. Where either is
missing, the root ``conftest.py`` skips the browser tests with one line saying how to install them,
except under ``CI=true``, where a missing browser must fail the run instead of hiding the tests.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_CHROMEDRIVER = "/usr/bin/chromedriver"
INSTALL_HINT = "apt-get install chromium chromium-driver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class BrowserPaths:
    """Where the browser and its driver are; ``None`` for one that was not found."""

    chromium: str | None
    chromedriver: str | None

    @property
    def missing(self) -> list[str]:
        return [name for name, path in (("chromium", self.chromium), ("chromedriver", self.chromedriver)) if not path]


def _find(variable: str, default: str, names: tuple[str, ...]) -> str | None:
    """The executable named by ``variable``, else ``default``, else the first of ``names`` on the PATH.

    A variable that is set names the one place to look: pointing it at a missing file means "no browser",
    never a silent fall-back to another one.
    """
    chosen = os.environ.get(variable, "")
    if chosen:
        return chosen if os.path.isfile(chosen) and os.access(chosen, os.X_OK) else None
    if os.path.isfile(default) and os.access(default, os.X_OK):
        return default
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def find_browser() -> BrowserPaths:
    return BrowserPaths(
        chromium=_find("CHROMIUM", DEFAULT_CHROMIUM, ("chromium", "chromium-browser", "google-chrome")),
        chromedriver=_find("CHROMEDRIVER", DEFAULT_CHROMEDRIVER, ("chromedriver",)),
    )


def missing_browser_reason(paths: BrowserPaths) -> str:
    """One line: what is missing and how to install it."""
    where = f"CHROMIUM={os.environ.get('CHROMIUM') or DEFAULT_CHROMIUM}, "
    where += f"CHROMEDRIVER={os.environ.get('CHROMEDRIVER') or DEFAULT_CHROMEDRIVER}"
    return (
        f"browser tests need {' and '.join(paths.missing)} ({where}, nor on PATH): "
        f"install them with `{INSTALL_HINT}` or set CHROMIUM and CHROMEDRIVER"
    )


def chromium(downloads: Path, *, height: int = 1000, language: str = "") -> Any:
    """A headless Chromium that saves downloads in ``downloads`` (kept as ``driver.download_dir``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = find_browser()
    if paths.missing:
        # Reached only under CI=true (elsewhere the tests were skipped at collection): say why, plainly.
        raise RuntimeError(missing_browser_reason(paths))
    options = webdriver.ChromeOptions()
    options.binary_location = paths.chromium
    for flag in [*FLAGS, f"--window-size=1280,{height}"]:
        options.add_argument(flag)
    prefs: dict[str, str] = {"download.default_directory": str(downloads)}
    if language:
        # The pages follow the browser's language, as for an officer whose browser is in Vietnamese.
        options.add_argument(f"--lang={language}")
        prefs["intl.accept_languages"] = language
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=Service(paths.chromedriver))
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.download_dir = downloads
    # Elements may appear a moment after a click on a loaded machine.
    driver.implicitly_wait(5)
    return driver
