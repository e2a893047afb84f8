#!/usr/bin/env python
"""Time the annual summary on a national-scale data set with years of survey records.

    python bench/bench_reports.py --children 1000000 --survey-years 5 [--json]
                                  [--database-url postgres://postgres@127.0.0.1:5432/cpmis_bench_reports_...]

Builds (once; ``--rebuild`` to start again) a scratch PostgreSQL database with every unit of both
structures and, with set-based SQL (``generate_series``), N children registered on legacy communes
(their current commune derived from the official conversion table), one survey record per child
per year for the last Y years up to ``--year`` (records of 2025 and later on current communes, earlier
ones on legacy communes; about 35% with a category of special circumstances, 65% with a risk factor),
and cases (N/5), protection models (N/20), outreach events (N/2) and day-care attendance (2N) dated
2020–2026, recorded on legacy communes before 01/07/2025 and on current ones from then on.

The database name follows N and Y unless given, and a metadata table records what was built, so a
second run with the same parameters reuses the data. The script refuses a database whose name does
not start with ``cpmis_bench`` or that holds users no benchmark created (``bench_`` names: the load
test, ``bench_load.py``, runs on these data sets too).

Then times the annual summary (median of 3 warm runs) of one current province as its manager, of a
small current province, of the legacy province of the same code for an earlier year, and of the
whole country, and prints the figures; ``--json`` prints one JSON object::

    {"children", "survey_records", "province_ms", "national_ms", "province_queries", "national_queries", ...}
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "postgres://postgres@127.0.0.1:5432/"
# The users any benchmark of bench/ creates: a scratch database holds no others.
BENCH_USER_PREFIX = "bench_"
# Bump when the generated data changes, so that an older data set is rebuilt instead of reused.
DATA_VERSION = 2
REFORM = "DATE '2025-07-01'"
BIG_TABLES = [
    "cases_child",
    "cases_surveyrecord",
    "cases_surveyrecord_categories",
    "cases_surveyrecord_risks",
    "cases_case",
    "programs_protectionmodel",
    "outreach_outreachevent",
    "programs_attendance",
    "cases_surveyrollup",
    "programs_attendancerollup",
]
# Categories of special circumstances by how often surveys find them (disability first).
CATEGORY_SHARES = ["SC04"] * 6 + ["SC13"] * 3 + ["SC01", "SC03", "SC08", "SC08", "SC09", "SC02", "SC06", "SC10",
                   "SC11", "SC05", "SC07", "SC12", "SC14"]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--survey-years", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_REPORTS_DATABASE_URL"))
    parser.add_argument("--rebuild", action="store_true", help="Drop and rebuild the data set.")
    parser.add_argument("--year", type=int, default=2026, help="The year reported on (the last survey year).")
    parser.add_argument("--province", default="01", help="Current province code for the one-province figure.")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a table.")
    args = parser.parse_args()
    if args.children < 1000 or args.survey_years < 1:
        parser.error("--children must be at least 1000 and --survey-years at least 1")
    if args.database_url is None:
        args.database_url = f"{BASE_URL}cpmis_bench_reports_{args.children}c_{args.survey_years}y"
    return args


def log(args: argparse.Namespace, message: str) -> None:
    # With --json, progress goes to stderr so stdout holds only the JSON object.
    print(message, file=sys.stderr if args.json else sys.stdout, flush=True)


def ensure_database(url: str, rebuild: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if not parts.scheme.startswith(("postgres", "pgsql")):
        sys.exit("This benchmark needs PostgreSQL.")
    name = parts.path.lstrip("/")
    if not name.startswith("cpmis_bench"):
        sys.exit("Refusing to fill a database whose name does not start with cpmis_bench.")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("DEBUG", "1")  # a development run: the settings default to off
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def fill_defaults(cursor: Any, table: str, given: dict[str, str]) -> dict[str, str]:
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


def insert_select(args: argparse.Namespace, cursor: Any, table: str, exprs: dict[str, str], source: str) -> None:
    exprs = fill_defaults(cursor, table, exprs)
    start = time.perf_counter()
    cursor.execute(f"INSERT INTO {table} ({', '.join(exprs)}) SELECT {', '.join(exprs.values())} {source}")
    seconds = time.perf_counter() - start
    log(args, f"  {table:<34} {cursor.rowcount:>11,} rows {seconds:7.1f} s")


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def build(args: argparse.Namespace, cursor: Any) -> None:
    """The data set, in set-based SQL over the legacy communes (``bench_communes``)."""
    n, years = args.children, list(range(args.year - args.survey_years + 1, args.year + 1))
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute(
        "TRUNCATE programs_attendance, programs_enrolment, outreach_outreachevent, cases_case_circumstances, "
        "cases_casetransition, cases_case, cases_surveyrecord_categories, cases_surveyrecord_risks, "
        "cases_surveyrecord, cases_childcategory, cases_child_risks, cases_child, programs_protectionmodel CASCADE"
    )
    # Loading is much faster without secondary indexes and foreign-key triggers: drop the indexes
    # that back no constraint, skip the triggers for this session, and rebuild the indexes at the end.
    cursor.execute("SET session_replication_role = replica")
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' AND tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [BIG_TABLES],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("DROP TABLE IF EXISTS bench_communes")
    cursor.execute(
        "CREATE TABLE bench_communes AS SELECT row_number() OVER (ORDER BY id) AS idx, id, current_id FROM ("
        "SELECT u.id, (SELECT c.current_id FROM locations_unitconversion c WHERE c.legacy_id = u.id "
        "ORDER BY c.rank LIMIT 1) AS current_id FROM locations_unit u "
        "WHERE u.edition = 'legacy' AND u.level = 'commune') legacy WHERE current_id IS NOT NULL"
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_communes (idx)")
    cursor.execute("SELECT count(*) FROM bench_communes")
    communes = cursor.fetchone()[0]
    pick = f"JOIN bench_communes bc ON bc.idx = 1 + ((g::bigint * 7919) % {communes})"
    log(args, f"Generating {n:,} children over {communes} legacy communes, survey years {years[0]}–{years[-1]}")
    insert_select(
        args,
        cursor,
        "cases_child",
        {
            "full_name": "'Trẻ ' || g",
            "name_folded": "'tre ' || g",
            "birth_year": "2011 + g % 16",
            "sex": "CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END",
            "commune_id": "bc.id",
            "current_unit_id": "bc.current_id",
        },
        f"FROM generate_series(1, {n}) g {pick}",
    )
    cursor.execute("SELECT min(id) FROM cases_child")
    first_child = cursor.fetchone()[0]
    # One record per child and year: on the child's legacy commune before the reform, its current one after.
    insert_select(
        args,
        cursor,
        "cases_surveyrecord",
        {
            "child_id": "ch.id",
            "survey_year": "y",
            "commune_id": "CASE WHEN y >= 2025 THEN ch.current_unit_id ELSE ch.commune_id END",
            "current_unit_id": "ch.current_unit_id",
        },
        f"FROM unnest(ARRAY{years}) y CROSS JOIN cases_child ch",
    )
    # A stable pseudo-random number 0–999 per record: 35% in special circumstances, 65% with a risk
    # factor (15% both), so 50% count as "at risk"; one record in seven of the special has two categories.
    share = "((s.id::bigint * 2654435761) % 1000)"
    cats = sql_array(CATEGORY_SHARES)
    insert_select(
        args,
        cursor,
        "cases_surveyrecord_categories",
        {"surveyrecord_id": "s.id", "category_id": "c.id"},
        f"FROM cases_surveyrecord s CROSS JOIN LATERAL (SELECT DISTINCT cat.id FROM cases_category cat "
        f"WHERE cat.code IN (({cats})[1 + s.id % {len(CATEGORY_SHARES)}], "
        f"CASE WHEN s.id % 7 = 0 THEN ({cats})[1 + (s.id / 7) % {len(CATEGORY_SHARES)}] END)) c "
        f"WHERE {share} < 350",
    )
    cursor.execute("SELECT array_agg(id ORDER BY code) FROM cases_riskfactor")
    risks = cursor.fetchone()[0]
    insert_select(
        args,
        cursor,
        "cases_surveyrecord_risks",
        {"surveyrecord_id": "s.id", "riskfactor_id": "r.id"},
        f"FROM cases_surveyrecord s CROSS JOIN LATERAL (SELECT DISTINCT unnest(ARRAY[(ARRAY{risks})[1 + s.id % "
        f"{len(risks)}], (ARRAY{risks})[1 + (s.id / 3) % {len(risks)}]]) AS id) r WHERE {share} BETWEEN 200 AND 849",
    )
    # Cases: opened 2020-01-01 … 2026-07, a third closed 200 days later (half of those successfully).
    opened = "(DATE '2020-01-01' + (g % 2400))"
    after = f"{opened} >= {REFORM}"
    insert_select(
        args,
        cursor,
        "cases_case",
        {
            "case_ref": "'B' || g",
            "child_id": "ch.id",
            "commune_id": f"CASE WHEN {after} THEN ch.current_unit_id ELSE ch.commune_id END",
            "current_unit_id": "ch.current_unit_id",
            "opened_on": opened,
            "closed_on": f"CASE WHEN g % 3 = 0 THEN {opened} + 200 END",
            "status": "CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'in_progress' END",
            "outcome": "CASE WHEN g % 3 <> 0 THEN '' WHEN g % 2 = 0 THEN 'goal_achieved' ELSE 'not_achieved' END",
        },
        f"FROM generate_series(1, {n // 5}) g JOIN cases_child ch ON ch.id = {first_child} + (g::bigint * 5) % {n}",
    )
    # One cbcp_system per legacy commune (founded before the reform), the rest spread over the other kinds.
    kinds = "(ARRAY['child_club','young_collaborators','counselling_point','other'])[1 + g % 4]"
    founded = f"(CASE WHEN g <= {communes} THEN DATE '2015-01-01' + (g % 3600) ELSE DATE '2015-01-01' + (g % 4300) END)"
    insert_select(
        args,
        cursor,
        "programs_protectionmodel",
        {
            "code": "'BM' || g",
            "name": "'Mô hình ' || g",
            "kind": f"CASE WHEN g <= {communes} THEN 'cbcp_system' ELSE {kinds} END",
            "unit_id": f"CASE WHEN {founded} >= {REFORM} THEN bc.current_id ELSE bc.id END",
            "current_unit_id": "bc.current_id",
            "established_on": founded,
            "ended_on": f"CASE WHEN g > {communes} AND g % 5 = 0 THEN {founded} + 900 END",
        },
        f"FROM generate_series(1, {max(n // 20, communes)}) g "
        f"JOIN bench_communes bc ON bc.idx = 1 + ((g - 1) % {communes})",
    )
    day = "(DATE '2020-01-01' + (g % 2520))"
    insert_select(
        args,
        cursor,
        "outreach_outreachevent",
        {
            "date": day,
            "unit_id": f"CASE WHEN {day} >= {REFORM} THEN bc.current_id ELSE bc.id END",
            "current_unit_id": "bc.current_id",
            "kind": "'talk'",
            "venue": "CASE WHEN g % 2 = 0 THEN 'school' ELSE 'community' END",
            "topic": "'Chủ đề ' || g",
            "participants_total": "20 + g % 200",
        },
        f"FROM generate_series(1, {n // 2}) g {pick}",
    )
    # Day-care: one model per legacy province (its current province as current unit), 40 children each,
    # attendance every day going back from the end of the report year.
    insert_select(
        args,
        cursor,
        "programs_protectionmodel",
        {
            "code": "'DC' || p.code",
            "name": "'Bán trú ' || p.name",
            "kind": "'daycare_disability'",
            "unit_id": "p.id",
            "current_unit_id": "(SELECT cu.province_id FROM bench_communes bc JOIN locations_unit u ON u.id = bc.id "
            "JOIN locations_unit cu ON cu.id = bc.current_id WHERE u.province_id = p.id LIMIT 1)",
            "established_on": "DATE '2020-01-01'",
        },
        "FROM locations_unit p WHERE p.edition = 'legacy' AND p.level = 'province'",
    )
    cursor.execute("SELECT min(id), count(*) FROM programs_protectionmodel WHERE kind = 'daycare_disability'")
    first_model, daycare_models = cursor.fetchone()
    enrolments = daycare_models * 40
    insert_select(
        args,
        cursor,
        "programs_enrolment",
        {
            "model_id": f"{first_model} + (g % {daycare_models})",
            "child_name": "'Trẻ bán trú ' || g",
            "enrolled_on": "DATE '2020-01-01'",
        },
        f"FROM generate_series(1, {enrolments}) g",
    )
    cursor.execute("SELECT min(id) FROM programs_enrolment")
    first_enrolment = cursor.fetchone()[0]
    insert_select(
        args,
        cursor,
        "programs_attendance",
        {
            "enrolment_id": f"{first_enrolment} + (g % {enrolments})",
            "date": f"DATE '{args.year}-12-31' - (g / {enrolments})::int",
            "present": "g % 7 <> 0",
        },
        f"FROM generate_series(1, {2 * n}) g",
    )
    start = time.perf_counter()
    for _name, definition in indexes:
        cursor.execute(definition)
    cursor.execute("SET session_replication_role = DEFAULT")
    log(args, f"  {len(indexes)} indexes rebuilt in {time.perf_counter() - start:.0f} s")
    # A live database is vacuumed by autovacuum; without it index-only scans would visit the table.
    cursor.execute("VACUUM ANALYZE")


def measure(func: Callable[[], Any], runs: int = 3) -> tuple[float, int, Any]:
    """Median milliseconds of ``runs`` warm runs (after one warm-up), the queries of one run, the result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = func()
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = func()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return round(statistics.median(times), 1), queries, result


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url, args.rebuild)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from accounts.models import User
    from accounts.services import user_upsert
    from cases.models import SurveyRecord
    from locations.loaders import load_official_units
    from locations.models import Unit
    from reports.area import ReportArea
    from reports.summary import annual_summary
    from scope.rollups import recount

    call_command("migrate", verbosity=0, interactive=False)
    if User.objects.exclude(username__startswith=BENCH_USER_PREFIX).exists():
        sys.exit("Refusing to run: this database has users no benchmark created.")
    if not Unit.objects.filter(edition="current").exists():
        start = time.perf_counter()
        for edition in (Unit.Edition.LEGACY, Unit.Edition.CURRENT):
            load_official_units(edition=edition)
        log(args, f"Loaded units in {time.perf_counter() - start:.0f} s")
    wanted = {"version": DATA_VERSION, "children": args.children, "survey_years": args.survey_years, "year": args.year}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (parameters jsonb NOT NULL)")
        cursor.execute("SELECT parameters FROM bench_meta")
        row = cursor.fetchone()
        built = json.loads(row[0]) if row and isinstance(row[0], str) else (row[0] if row else None)
        if built != wanted:
            log(args, "Building the data set:")
            start = time.perf_counter()
            build(args, cursor)
            # The data went in with the triggers off: count the roll-ups from it.
            rolled = time.perf_counter()
            recount()
            log(args, f"  roll-ups counted in {time.perf_counter() - rolled:.0f} s")
            cursor.execute("DELETE FROM bench_meta")
            cursor.execute("INSERT INTO bench_meta VALUES (%s)", [json.dumps(wanted)])
            log(args, f"Built in {time.perf_counter() - start:.0f} s")
        else:
            log(args, f"Reusing the data set of {connection.settings_dict['NAME']}")
            # A migration since the build may have rewritten rows; a live database is vacuumed by
            # autovacuum, so measure on a vacuumed one too (quick when nothing changed).
            cursor.execute(f"VACUUM ANALYZE {', '.join(BIG_TABLES)}")

    current = Unit.objects.filter(edition="current", level="province")
    province = current.get(code=args.province)
    year = args.year
    # The current province with the fewest survey records of the year: the "small province" figure.
    per_province = dict(
        SurveyRecord.objects.filter(survey_year=year)
        .values_list("current_unit__province")
        .annotate(n=Count("pk"))
        .order_by()
    )
    small = current.get(pk=min(per_province, key=per_province.get))
    legacy = Unit.objects.filter(edition="legacy", level="province", code=args.province).first()
    root = User.objects.filter(username="bench_root").first() or User.objects.create_superuser("bench_root", "", "x")
    manager = user_upsert(username="bench_manager", role="province_manager", unit=province)[0]
    small_manager = user_upsert(username="bench_small_manager", role="province_manager", unit=small)[0]

    def summary(user: User, unit: Unit | None, on: int) -> Callable[[], Any]:
        return lambda: annual_summary(user=user, area=ReportArea(unit=unit, year=on))

    province_ms, province_queries, result = measure(summary(manager, province, year))
    root_ms, _q, _r = measure(summary(root, province, year))
    small_ms, small_queries, small_result = measure(summary(small_manager, small, year))
    national_ms, national_queries, national = measure(summary(root, None, year))
    figures: dict[str, Any] = {
        "children": args.children,
        "survey_records": SurveyRecord.objects.count(),
        "province_ms": province_ms,
        "national_ms": national_ms,
        "province_queries": province_queries,
        "national_queries": national_queries,
        "survey_years": args.survey_years,
        "year": year,
        "province": f"{province.code} {province.name}",
        "province_surveyed": result.figures["children_surveyed"],
        "province_superuser_ms": root_ms,
        "small_province": f"{small.code} {small.name}",
        "small_province_surveyed": small_result.figures["children_surveyed"],
        "small_province_ms": small_ms,
        "small_province_queries": small_queries,
        "national_surveyed": national.figures["children_surveyed"],
        "national_children_managed": national.figures["children_managed"],
    }
    if legacy is not None:
        legacy_manager = user_upsert(username="bench_legacy_manager", role="province_manager", unit=legacy)[0]
        legacy_year = min(year, 2024)
        figures["legacy_province_ms"], figures["legacy_province_queries"], _r = measure(
            summary(legacy_manager, legacy, legacy_year)
        )
        figures["legacy_year"] = legacy_year
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            print(f"  {key:<28} {value}")


if __name__ == "__main__":
    main()
