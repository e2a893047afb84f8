#!/usr/bin/env python
"""Time the annual summary on a national-scale data set.

    python bench/bench_reports.py [--database-url postgres://postgres@127.0.0.1:5432/cpmis_bench_reports]

Builds (once; ``--rebuild`` to start again) a scratch PostgreSQL database with every unit of both
structures and, with set-based SQL: 1,000,000 children, 200,000 cases, 50,000 protection models,
500,000 outreach events and 2,000,000 day-care attendance rows over the legacy communes of the
63 provinces, then times the annual summary of one province (as its manager and as a superuser)
and of the whole country, and prints seconds and SQL queries of each (median of 3 runs).
The database named must be used for nothing else: the script refuses one that holds users it did
not create.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cpmis_bench_reports"
SIZES = {"children": 1_000_000, "cases": 200_000, "models": 50_000, "events": 500_000, "attendance": 2_000_000}
BENCH_USERS = {"bench_root", "bench_manager"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_REPORTS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rebuild", action="store_true", help="Drop and rebuild the data set.")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--province", default="01", help="Legacy province code for the one-province figure.")
    return parser.parse_args()


def ensure_database(url: str, rebuild: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if not parts.scheme.startswith(("postgres", "pgsql")):
        sys.exit("This benchmark needs PostgreSQL.")
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            exists = None
        if not exists:
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


def fill_defaults(cursor, table: str, given: dict[str, str]) -> dict[str, str]:
    """SQL expressions for every NOT NULL column without a default that ``given`` leaves out."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL AND column_name <> 'id'",
        [table],
    )
    by_type = {"boolean": "false", "date": "DATE '2024-01-01'", "timestamp with time zone": "now()"}
    exprs = dict(given)
    for column, data_type in cursor.fetchall():
        if column not in exprs:
            exprs[column] = by_type.get(data_type, "0" if "int" in data_type else "''")
    return exprs


def insert_series(cursor, table: str, n: int, exprs: dict[str, str], joins: str = "") -> float:
    exprs = fill_defaults(cursor, table, exprs)
    columns = ", ".join(exprs)
    values = ", ".join(exprs.values())
    start = time.perf_counter()
    cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {values} FROM generate_series(1, {n}) g {joins}")
    seconds = time.perf_counter() - start
    print(f"  {table:<28} {n:>10,} rows  {seconds:7.1f} s  {n / seconds:10,.0f} rows/s")
    return seconds


def build(cursor) -> None:
    """The data set, in set-based SQL over the legacy communes (``bench_communes``)."""
    cursor.execute("DROP TABLE IF EXISTS bench_communes")
    cursor.execute(
        "CREATE TABLE bench_communes AS SELECT row_number() OVER (ORDER BY u.id) AS idx, u.id, "
        "(SELECT c.current_id FROM locations_unitconversion c WHERE c.legacy_id = u.id ORDER BY c.rank LIMIT 1) "
        "AS current_id FROM locations_unit u WHERE u.edition = 'legacy' AND u.level = 'commune'"
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_communes (idx)")
    cursor.execute("SELECT count(*) FROM bench_communes")
    communes = cursor.fetchone()[0]
    pick = f"JOIN bench_communes bc ON bc.idx = 1 + ((g::bigint * 7919) % {communes})"
    print(f"Generating over {communes} legacy communes")
    insert_series(
        cursor,
        "cases_child",
        SIZES["children"],
        {
            "full_name": "'Trẻ ' || g",
            "name_folded": "'tre ' || g",
            "birth_year": "2008 + g % 17",
            "sex": "CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END",
            "commune_id": "bc.id",
            "current_unit_id": "bc.current_id",
            "created_at": "now()",
            "updated_at": "now()",
        },
        pick,
    )
    cursor.execute("SELECT min(id) FROM cases_child")
    first_child = cursor.fetchone()[0]
    insert_series(
        cursor,
        "cases_case",
        SIZES["cases"],
        {
            "case_ref": "'B' || g",
            "child_id": "ch.id",
            "commune_id": "ch.commune_id",
            "current_unit_id": "ch.current_unit_id",
            "opened_on": "DATE '2020-01-01' + (g % 2000)",
            "closed_on": "CASE WHEN g % 3 = 0 THEN DATE '2020-01-01' + (g % 2000) + 200 END",
            "status": "CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'in_progress' END",
            "outcome": "CASE WHEN g % 3 <> 0 THEN '' WHEN g % 2 = 0 THEN 'goal_achieved' ELSE 'not_achieved' END",
            "created_at": "now()",
            "updated_at": "now()",
        },
        f"JOIN cases_child ch ON ch.id = {first_child} + (g::bigint * 5) % {SIZES['children']}",
    )
    # One open cbcp_system per commune, the rest spread over the other kinds.
    kinds = "(ARRAY['child_club','young_collaborators','counselling_point','other'])[1 + g % 4]"
    insert_series(
        cursor,
        "programs_protectionmodel",
        SIZES["models"],
        {
            "code": "'BM' || g",
            "name": "'Mô hình ' || g",
            "kind": f"CASE WHEN g <= {communes} THEN 'cbcp_system' ELSE {kinds} END",
            "unit_id": "bc.id",
            "current_unit_id": "bc.current_id",
            "established_on": "DATE '2015-01-01' + (g % 3600)",
            "ended_on": f"CASE WHEN g > {communes} AND g % 5 = 0 THEN DATE '2015-01-01' + (g % 3600) + 900 END",
            "created_at": "now()",
            "updated_at": "now()",
        },
        f"JOIN bench_communes bc ON bc.idx = 1 + ((g - 1) % {communes})",
    )
    insert_series(
        cursor,
        "outreach_outreachevent",
        SIZES["events"],
        {
            "date": "DATE '2020-01-01' + (g % 2190)",
            "unit_id": "bc.id",
            "current_unit_id": "bc.current_id",
            "kind": "'talk'",
            "venue": "CASE WHEN g % 2 = 0 THEN 'school' ELSE 'community' END",
            "topic": "'Chủ đề ' || g",
            "participants_total": "20 + g % 200",
            "created_at": "now()",
            "updated_at": "now()",
        },
        pick,
    )
    # Day-care: one model per legacy province, 40 children each, every day from 2022.
    cursor.execute(
        "INSERT INTO programs_protectionmodel (code, name, kind, unit_id, current_unit_id, established_on, "
        + ", ".join(
            c
            for c in fill_defaults(cursor, "programs_protectionmodel", {})
            if c not in {"code", "name", "kind", "unit_id", "established_on"}
        )
        + ") SELECT 'DC' || p.code, 'Bán trú ' || p.name, 'daycare_disability', p.id, NULL, DATE '2020-01-01', "
        + ", ".join(
            v
            for c, v in fill_defaults(cursor, "programs_protectionmodel", {}).items()
            if c not in {"code", "name", "kind", "unit_id", "established_on"}
        )
        + " FROM locations_unit p WHERE p.edition = 'legacy' AND p.level = 'province'"
    )
    cursor.execute("SELECT min(id), count(*) FROM programs_protectionmodel WHERE kind = 'daycare_disability'")
    first_model, daycare_models = cursor.fetchone()
    enrolments = daycare_models * 40
    insert_series(
        cursor,
        "programs_enrolment",
        enrolments,
        {
            "model_id": f"{first_model} + (g % {daycare_models})",
            "child_name": "'Trẻ bán trú ' || g",
            "enrolled_on": "DATE '2022-01-01'",
        },
    )
    cursor.execute("SELECT min(id) FROM programs_enrolment")
    first_enrolment = cursor.fetchone()[0]
    insert_series(
        cursor,
        "programs_attendance",
        SIZES["attendance"],
        {
            "enrolment_id": f"{first_enrolment} + (g % {enrolments})",
            "date": f"DATE '2022-01-01' + (g / {enrolments})::int",
            "present": "g % 7 <> 0",
        },
    )
    cursor.execute("ANALYZE")


def run(label: str, func, runs: int = 3) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = func()
            times.append(time.perf_counter() - start)
        queries = len(captured)
    print(
        f"{label:<46} {statistics.median(times) * 1000:8.0f} ms (median of {runs})  {queries:3d} queries  "
        f"children_managed={result.figures['children_managed']:,} breakdown rows={len(result.breakdown)}"
    )


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url, args.rebuild)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from accounts.services import user_upsert
    from locations.loaders import load_official_units
    from locations.models import Unit
    from programs.models import Attendance
    from reports.area import ReportArea
    from reports.summary import annual_summary

    call_command("migrate", verbosity=0, interactive=False)
    if User.objects.exclude(username__in=BENCH_USERS).exists():
        sys.exit("Refusing to run: this database has users the benchmark did not create.")
    if not Unit.objects.filter(edition="current").exists():
        start = time.perf_counter()
        for edition in (Unit.Edition.LEGACY, Unit.Edition.CURRENT):
            load_official_units(edition=edition)
        print(f"Loaded units in {time.perf_counter() - start:.0f} s")
    if Attendance.objects.count() < SIZES["attendance"]:
        print("Building the data set:")
        with connection.cursor() as cursor:
            build(cursor)
    province = Unit.objects.get(edition="legacy", level="province", code=args.province)
    root = User.objects.filter(username="bench_root").first() or User.objects.create_superuser("bench_root", "", "x")
    manager, _created = user_upsert(username="bench_manager", role="province_manager", unit=province)
    print(f"Database {connection.settings_dict['NAME']}; year {args.year}")
    with connection.cursor() as cursor:
        for table in (
            "cases_child",
            "cases_case",
            "programs_protectionmodel",
            "outreach_outreachevent",
            "programs_attendance",
            "locations_unit",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"  {table:<28} {cursor.fetchone()[0]:>10,} rows")
    area = ReportArea(unit=province, year=args.year)
    run(f"province {province} as its manager", lambda: annual_summary(user=manager, area=area))
    run(f"province {province} as superuser", lambda: annual_summary(user=root, area=area))
    run("whole country as superuser", lambda: annual_summary(user=root, area=ReportArea(unit=None, year=args.year)))


if __name__ == "__main__":
    main()
