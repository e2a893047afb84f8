#!/usr/bin/env python
"""Time a full load of the administrative units (both structures) and a second, idempotent load.

    python bench/bench_load_units.py --database-url postgres://postgres@127.0.0.1:5432/cpmis_bench
    python bench/bench_load_units.py --database-url sqlite:///artifacts/bench.sqlite3

The benchmark needs an empty units table, so it runs on a scratch database of its own, named
explicitly with ``--database-url`` (or ``BENCH_DATABASE_URL``); the ``DATABASE_URL`` of the
environment is replaced for this process and never touched. A missing PostgreSQL database or
SQLite file is created and migrated. Units and conversion entries already in the scratch
database are deleted first; the script refuses to run on a database that holds users or
records, so pointing it at real data by mistake deletes nothing.

Prints, for each load: seconds, units per second and the number of SQL queries.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Apps that must be empty for the database to count as a scratch database.
GUARDED_APPS = {"accounts", "cases", "programs", "outreach", "imports", "reports", "authtoken", "admin", "sessions"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="Scratch database to benchmark on (default: $BENCH_DATABASE_URL). Its units are deleted.",
    )
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give a scratch database with --database-url (or BENCH_DATABASE_URL); its units are deleted")
    return args


def ensure_database(url: str) -> None:
    """Create the scratch database when it does not exist yet."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if path and path != ":memory:":
            (ROOT / path if not os.path.isabs(path) else Path(path)).parent.mkdir(parents=True, exist_ok=True)
        return
    if not parts.scheme.startswith(("postgres", "pgsql")):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}")


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)  # relative SQLite paths are relative to the project, like manage.py's
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("DEBUG", "1")  # a development run: the settings default to off
    import django

    django.setup()


def refuse_real_data() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label in GUARDED_APPS and model._base_manager.exists():
            sys.exit(
                f"Refusing to run: {model._meta.label} has rows, so this is not a scratch database. "
                "Give --database-url a database used only for benchmarks."
            )


def timed(label: str, func) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from locations.models import Unit

    before = Unit.objects.count()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        results = func()
        seconds = time.perf_counter() - start
    touched = sum(r.created + r.updated + r.unchanged for r in results)
    conversions = sum(r.conversions_created for r in results)
    rate = touched / seconds if seconds else float("inf")
    print(
        f"{label:<22} {seconds:8.2f} s  {rate:10.0f} units/s  {len(queries):6d} queries  "
        f"units {before} -> {Unit.objects.count()}  (+{conversions} conversion entries)"
    )


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    from locations.loaders import load_official_units
    from locations.models import Unit, UnitConversion

    call_command("migrate", verbosity=0, interactive=False)
    refuse_real_data()
    UnitConversion.objects.all().delete()
    # Children before parents (the parent keys protect).
    for level in (Unit.Level.COMMUNE, Unit.Level.DISTRICT, Unit.Level.PROVINCE):
        Unit.objects.filter(level=level).delete()

    def load_both():
        return [load_official_units(edition=edition) for edition in (Unit.Edition.LEGACY, Unit.Edition.CURRENT)]

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    timed("first load (empty)", load_both)
    timed("second load (no-op)", load_both)
    print(f"Conversion entries: {UnitConversion.objects.count()}")


if __name__ == "__main__":
    main()
