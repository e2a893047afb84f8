"""A real task worker process for tests, on either backend: ``db_worker`` or ``rqworker`` on Redis.

The worker runs with the production settings on the test database (PostgreSQL: shared by both
processes) and the test media. Tests that need one are parametrised with ``BACKENDS``, so the same
test proves a behaviour on the database backend (``django_tasks_db``) and on Redis + RQ
(``django_tasks_rq``); the Redis case is marked ``redis`` and skipped where no Redis answers at
``REDIS_URL`` (failed instead under ``CI=true``: see ``tests/external.py``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.external import redis_missing_reason, redis_url

DB = "django_tasks_db"
RQ = "django_tasks_rq"
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ_BACKEND = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
TASKS = {DB: DB_BACKEND, RQ: RQ_BACKEND}
# Parametrise a test with ``@pytest.mark.parametrize("backend", BACKENDS)``.
BACKENDS = [pytest.param(DB, id=DB), pytest.param(RQ, id=RQ, marks=pytest.mark.redis)]
QUEUE = "default"


def database_url() -> str:
    db = connection.settings_dict
    login = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def use_backend(settings_fixture: Any, backend: str) -> None:
    """Send this test's tasks to ``backend``; for Redis, to an emptied queue on ``REDIS_URL``."""
    settings_fixture.TASKS = TASKS[backend]
    if backend == RQ:
        reason = redis_missing_reason()
        if reason:
            raise RuntimeError(reason)  # only under CI=true: elsewhere the test was skipped
        import django_rq

        # A job left over from an interrupted run must not be picked up by this test's worker.
        django_rq.get_queue(QUEUE).empty()


def start_worker(log: Path, backend: str = DB) -> subprocess.Popen:
    """The backend's worker with the production settings, on the test database and media.

    It starts a session of its own, so that ``kill_worker`` can kill it together with the work
    horse that ``rqworker`` forks for each job, as a crash of the machine would.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TASKS_BACKEND": TASKS[backend]["default"]["BACKEND"],
        "DEBUG": "0",
        "SECRET_KEY": "worker-under-test",
        "ALLOWED_HOSTS": "localhost",
    }
    if backend == RQ:
        env["REDIS_URL"] = redis_url()
        command = [sys.executable, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", QUEUE]
    else:
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_worker(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and every process it started (no clean-up runs, as in a crash)."""
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.wait(timeout=30)


def stop_worker(worker: subprocess.Popen) -> None:
    """Stop the worker at the end of a test, even one that exited already (its work horse may not have)."""
    kill_worker(worker)
