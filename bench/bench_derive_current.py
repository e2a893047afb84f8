#!/usr/bin/env python
"""Time deriving the current (post-2025) commune of 1,000,000 legacy records on PostgreSQL.

    python bench/bench_derive_current.py [--records 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/cpmis_bench_reform]

Runs on a scratch database of its own (created and migrated when missing; its name must
start with ``cpmis_bench``); the ``DATABASE_URL`` of the environment is never touched.
Loads every unit of both structures once, fills ``cases_child`` with set-based SQL
(``INSERT … SELECT generate_series``) on legacy communes all over the country, then times:

* the derivation of every record (one ``UPDATE … FROM`` per table),
* a second run, which must change nothing,
* the derivation after a bulk insert of 10% more rows (``only_missing``).

Prints seconds, rows per second and the number of SQL queries of each step.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cpmis_bench_reform"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_REFORM_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    parts = urlsplit(args.database_url)
    if not parts.scheme.startswith(("postgres", "pgsql")) or not parts.path.lstrip("/").startswith("cpmis_bench"):
        parser.error("give a scratch PostgreSQL database whose name starts with cpmis_bench")
    return args


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}")


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("DEBUG", "1")  # a development run: the settings default to off
    import django

    django.setup()


def insert_children(count: int, commune_ids: list[int], offset: int = 0) -> None:
    """``count`` children spread over ``commune_ids``, in one INSERT … SELECT generate_series."""
    from django.db import connection

    from cases.models import Child

    template = Child(full_name="Trẻ thử", birth_year=2012, sex="M", commune_id=commune_ids[0])
    template.name_folded = "tre thu"
    columns, values = [], []
    for field in Child._meta.concrete_fields:
        if field.primary_key or field.column in {"commune_id", "current_unit_id"}:
            continue
        columns.append(connection.ops.quote_name(field.column))
        values.append(field.get_db_prep_save(field.pre_save(template, add=True), connection))
    table = connection.ops.quote_name(Child._meta.db_table)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, commune_id, current_unit_id) "
            f"SELECT {placeholders}, (%s::int[])[1 + (g %% %s)], NULL "
            f"FROM generate_series(%s, %s) AS g",
            [*values, commune_ids, len(commune_ids), offset + 1, offset + count],
        )
        cursor.execute(f"ANALYZE {table}")


def timed(label: str, rows: int, func):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - start
    updates = sum(1 for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE"))
    changed = sum(result.values())
    print(
        f"{label:<34} {seconds:7.2f} s  {rows / seconds:10.0f} rows/s  {changed:8d} changed  "
        f"{len(queries):4d} queries ({updates} UPDATE)"
    )
    return result


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from cases.models import Child
    from locations.loaders import load_official_units
    from locations.models import Unit, UnitConversion
    from locations.reform import derive_current_units, reform_tracked_tables

    call_command("migrate", verbosity=0, interactive=False)
    if User.objects.exists():
        sys.exit("Refusing to run: this database has users, so it is not a scratch database.")
    if not Unit.objects.filter(edition="current").exists():
        start = time.perf_counter()
        for edition in (Unit.Edition.LEGACY, Unit.Edition.CURRENT):
            load_official_units(edition=edition)
        print(f"Loaded {Unit.objects.count()} units in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {connection.ops.quote_name(Child._meta.db_table)} CASCADE")
    communes = list(Unit.objects.filter(edition="legacy", level="commune").order_by("pk").values_list("pk", flat=True))
    start = time.perf_counter()
    insert_children(args.records, communes)
    print(
        f"Database: PostgreSQL {connection.settings_dict['NAME']}; {UnitConversion.objects.count()} conversion entries"
    )
    print(f"Inserted {args.records} children on {len(communes)} legacy communes in {time.perf_counter() - start:.1f} s")

    tables = [t for t in reform_tracked_tables() if t.model is Child]
    timed("derive, first run", args.records, lambda: derive_current_units(tables=tables))
    timed("derive, second run (no-op)", args.records, lambda: derive_current_units(tables=tables))
    timed("derive, every record table", args.records, derive_current_units)
    extra = args.records // 10
    insert_children(extra, communes, offset=args.records)
    timed(f"derive only_missing (+{extra} new)", extra, lambda: derive_current_units(tables=tables, only_missing=True))
    flagged = Child.objects.filter(current_unit_to_review=True).count()
    missing = Child.objects.filter(current_unit__isnull=True).count()
    print(f"Records flagged to review (split communes): {flagged}; without a current unit: {missing}")


if __name__ == "__main__":
    main()
