"""Programs outside Python that some tests need, and what happens when one is missing.

A test marked ``browser`` needs Chromium and its driver; a test marked ``redis`` needs a Redis
server (``REDIS_URL``). On a developer's machine a missing program skips those tests, with one line
at the end of the run saying how to get it, so that the suite passes on a fresh clone. Under
``CI=true`` nothing is skipped: the tests run and fail with the same line, because CI must prove
that they pass.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from tests.browser import find_browser, missing_browser_reason

REDIS_INSTALL_HINT = "apt-get install redis-server"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def redis_url() -> str:
    """The Redis of the tests' RQ queue (``REDIS_URL``; the test settings pick a default)."""
    from django.conf import settings

    return settings.RQ_QUEUES["default"]["URL"]


def redis_missing_reason() -> str | None:
    """``None`` when a Redis server answers PING at ``REDIS_URL``, else one line saying what to do."""
    url = redis_url()
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    try:
        with socket.create_connection((host, port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            conn.settimeout(1)
            if conn.recv(64).startswith((b"+PONG", b"-NOAUTH")):
                return None
    except OSError:
        pass
    return (
        f"Redis background-job tests need a Redis server at REDIS_URL={url}: "
        f"install it with `{REDIS_INSTALL_HINT}`, start `redis-server`, and set REDIS_URL if not on port 6379"
    )


def browser_missing_reason() -> str | None:
    paths = find_browser()
    return missing_browser_reason(paths) if paths.missing else None


# marker → a function answering why the tests with that marker cannot run here (None: they can).
REQUIREMENTS: dict[str, Callable[[], str | None]] = {
    "browser": browser_missing_reason,
    "redis": redis_missing_reason,
}
