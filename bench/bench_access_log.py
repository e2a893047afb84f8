#!/usr/bin/env python
"""The cost of the access log on the children changelist and the children API list.

    python bench/bench_access_log.py [--children 2000] [--runs 5] [--database-url sqlite:///artifacts/bench_access.sqlite3]

Builds a scratch database (SQLite by default) with CHILDREN children in one commune, then,
as the commune's officer, renders the admin changelist (50 rows a page) and the API list
(50 rows a page) RUNS times with the access log on and with it switched off (the hooks made
no-ops), and prints one JSON object: queries per request and the median milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "sqlite:///artifacts/bench_access.sqlite3")
    )
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args()


def setup_django(url: str) -> None:
    if "bench" not in url:
        sys.exit("Refusing a database whose name does not say 'bench'.")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    (ROOT / "artifacts").mkdir(exist_ok=True)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill(children: int):
    from django.core.management import call_command

    from accounts.services import user_upsert
    from cases.models import Child
    from locations.loaders import load_official_units
    from locations.models import Unit

    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(code="62", edition="legacy").exists():
        load_official_units(edition="legacy", provinces=["62"])
    commune = Unit.objects.get(code="23281", edition="legacy", level="commune")
    user, _created = user_upsert(username="bench_commune", role="commune_officer", unit=commune, password="pw")
    have = Child.objects.filter(commune=commune).count()
    Child.objects.bulk_create(
        [
            Child(full_name=f"Trẻ Thử {i}", name_folded=f"tre thu {i}", birth_year=2015, sex="M", commune=commune)
            for i in range(have, children)
        ],
        batch_size=1000,
    )
    return user


def measure(client, url: str, runs: int) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return queries, round(statistics.median(times), 1)


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    from django.test import Client
    from django.test.utils import setup_test_environment

    import scope.admin
    import scope.api

    setup_test_environment()
    user = fill(args.children)
    client = Client()
    client.force_login(user)
    pages = {"changelist": "/admin/cases/child/", "api_list": "/api/v1/children/"}
    result: dict[str, object] = {"children": args.children, "runs": args.runs}
    for name, url in pages.items():
        result[f"{name}_queries_with_log"], result[f"{name}_ms_with_log"] = measure(client, url, args.runs)
    real = scope.admin.record_access
    scope.admin.record_access = scope.api.record_access = lambda *a, **k: None
    try:
        for name, url in pages.items():
            result[f"{name}_queries_without_log"], result[f"{name}_ms_without_log"] = measure(client, url, args.runs)
    finally:
        scope.admin.record_access = scope.api.record_access = real
    print(json.dumps(result))


if __name__ == "__main__":
    main()
