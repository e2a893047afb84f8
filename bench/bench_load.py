#!/usr/bin/env python
"""Drive the running system with concurrent users and print throughput and latency.

    python bench/bench_load.py [--users 50] [--seconds 60] [--workers 3]
                               [--database-url postgres://postgres@127.0.0.1:5432/cpmis_bench_reports_1000000c_1y]

Starts ``gunicorn config.wsgi`` with ``--workers`` processes on 127.0.0.1 against a benchmark
database built by ``bench_reports.py`` (its name must start with ``cpmis_bench``), signs in one
province officer per virtual user, and lets ``--users`` threads loop for ``--seconds`` seconds over
a mix of pages: the admin home, the children changelist and a name search, a child's page, the
API list of children and the annual summary. Bounded in time and in requests, and only ever
talks to 127.0.0.1. Prints one JSON object: requests, requests per second, errors (any answer
other than 200, or no answer) and p50/p95/p99 latency in milliseconds, overall and per page.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cpmis_bench_reports_1000000c_1y"
HOST = "127.0.0.1"
PASSWORD = "bench-load-Pw-2026"
# Pages and how often each is asked for (weights).
MIX = {"admin_home": 2, "children_list": 3, "children_search": 2, "child_page": 3, "api_children": 2, "summary": 1}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--province", default="01", help="Current province of the signed-in officers.")
    parser.add_argument("--max-requests", type=int, default=200_000, help="Stop after this many requests in all.")
    args = parser.parse_args()
    if not urllib.parse.urlsplit(args.database_url).path.lstrip("/").startswith("cpmis_bench"):
        parser.error("the database name must start with cpmis_bench")
    if not 1 <= args.users <= 500 or not 0 < args.seconds <= 600:
        parser.error("--users must be 1–500 and --seconds at most 600")
    return args


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="0",
        SECRET_KEY="bench-load-not-secret-" + "x" * 40,
        ALLOWED_HOSTS=HOST,
        LOG_LEVEL="WARNING",
        # Plain HTTP on 127.0.0.1: the cookies cannot be HTTPS-only here, and the production
        # redirect to HTTPS would send the clients to a TLS port nobody listens on.
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
    )
    return env


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Signs-in users and the ids the pages need, read from the benchmark database."""
    os.environ.update(environment(args))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.services import user_upsert
    from cases.models import Child
    from locations.models import Unit

    # Production settings (DEBUG off) serve hashed static files: they must be collected first.
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    province = Unit.objects.get(edition="current", level="province", code=args.province)
    user = user_upsert(username="bench_load", role="province_officer", unit=province, password=PASSWORD)[0]
    child_ids = list(Child.objects.visible_to(user).order_by("-pk").values_list("pk", flat=True)[:500])
    if not child_ids:
        sys.exit("The benchmark database has no children in that province: run bench_reports.py first.")
    return {"username": user.username, "child_ids": child_ids, "province": province.code}


def wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.25)
    raise SystemExit(f"gunicorn did not listen on {HOST}:{port} within {timeout:.0f} s")


class VirtualUser(threading.Thread):
    """One signed-in officer asking for pages of the mix until the time is up."""

    def __init__(self, base: str, data: dict[str, Any], until: float, budget: threading.Semaphore, results: list):
        super().__init__(daemon=True)
        self.base, self.data, self.until, self.budget, self.results = base, data, until, budget, results
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.random = random.Random()

    def sign_in(self) -> None:
        page = self.opener.open(f"{self.base}/admin/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": self.data["username"], "password": PASSWORD, "next": "/admin/"}
        ).encode()
        request = urllib.request.Request(f"{self.base}/admin/login/", data=form, headers={"Referer": self.base})
        self.opener.open(request, timeout=60).read()

    def url(self, page: str) -> str:
        return {
            "admin_home": "/admin/",
            "children_list": "/admin/cases/child/",
            "children_search": "/admin/cases/child/?q=" + urllib.parse.quote(f"tre {self.random.randint(1, 99999)}"),
            "child_page": f"/admin/cases/child/{self.random.choice(self.data['child_ids'])}/change/",
            "api_children": "/api/v1/children/",
            "summary": f"/api/v1/reports/annual/?unit={self.data['province']}&year=2026",
        }[page]

    def run(self) -> None:
        try:
            self.sign_in()
        except Exception as exc:  # a user that cannot sign in counts as one error
            self.results.append(("sign_in", 0.0, f"{type(exc).__name__}: {exc}"))
            return
        pages, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.until and self.budget.acquire(blocking=False):
            page = self.random.choices(pages, weights)[0]
            start = time.perf_counter()
            error = None
            try:
                with self.opener.open(self.base + self.url(page), timeout=60) as response:
                    response.read()
                    if response.status != 200 or response.geturl().rstrip("/").endswith("/login"):
                        error = f"HTTP {response.status} {response.geturl()}"
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code}"
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
            self.results.append((page, (time.perf_counter() - start) * 1000, error))


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50": round(values[0], 1) if values else 0.0, "p95": 0.0, "p99": 0.0}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "p99": round(cuts[98], 1)}


def main() -> None:
    args = parse_args()
    data = prepare(args)
    base = f"http://{HOST}:{args.port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--workers", str(args.workers),
         "--bind", f"{HOST}:{args.port}", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=environment(args),
    )  # fmt: skip
    try:
        wait_for_port(args.port, 60)
        results: list[tuple[str, float, str | None]] = []
        budget = threading.Semaphore(args.max_requests)
        users = [VirtualUser(base, data, 0.0, budget, results) for _ in range(args.users)]
        # Sign everybody in first, then start the clock for all at once.
        for user in users:
            user.sign_in()
        started = time.monotonic()
        for user in users:
            user.until = started + args.seconds
            user.sign_in = lambda: None  # already signed in
            user.start()
        for user in users:
            user.join(args.seconds + 120)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(30)
    by_page: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    samples: list[str] = []
    for page, ms, error in results:
        by_page[page].append(ms)
        if error:
            errors[page] += 1
            if len(samples) < 5:
                samples.append(f"{page}: {error}")
    every = [ms for page, ms, _error in results]
    print(
        json.dumps(
            {
                "users": args.users,
                "workers": args.workers,
                "seconds": round(elapsed, 1),
                "requests": len(results),
                "requests_per_s": round(len(results) / elapsed, 1),
                "errors": sum(errors.values()),
                **percentiles(every),
                "pages": {
                    page: {"requests": len(v), "errors": errors[page], **percentiles(v)} for page, v in by_page.items()
                },
                "error_samples": samples,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
