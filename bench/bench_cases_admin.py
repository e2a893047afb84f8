#!/usr/bin/env python
"""Admin changelists of children and cases on 1,000,000 children and 200,000 cases (PostgreSQL).

    python bench/bench_cases_admin.py [--database-url postgres://postgres@127.0.0.1:5432/cpmis_bench_cases]
                                      [--children 1000000] [--cases 200000]

Runs on a scratch database of its own (created, migrated and filled with set-based SQL the
first time; refilled when the sizes differ); the environment's ``DATABASE_URL`` is replaced for
this process. Prints, for a commune officer and a province officer, the number of SQL queries
and the median time of three renders of each changelist page (after one warm-up render), and
the query plan of the accent-insensitive name search.
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
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cpmis_bench_cases"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "A", "Y"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Hữu", "Thanh", "Quốc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Đào", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Sang", "Thảo", "Vy", "Blin",
         "Hiền", "Khánh", "Linh", "Long", "Quân", "Tâm", "Trang", "Tuấn", "Yến", "Xuân", "Hoa", "Bảo"]  # fmt: skip
STATUSES = ["received", "verified", "initial_assessment", "detailed_assessment", "plan_approved", "in_progress",
            "review", "closed", "closed", "closed"]  # fmt: skip
CHANNELS = ["hotline_111", "phone", "walk_in", "school", "health", "police", "community", "online", "other"]
# Bumped when the generated data changes, so that a database filled by an older version is refilled.
GENERATION = 2
REF = f"B{GENERATION}-"
# A page slower than this (median) has the plan of its slowest query printed.
SLOW_MS = 300
OUTCOMES = ["goal_achieved", "partially_achieved", "not_achieved", "transferred", "moved_away", "aged_out", "deceased"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=200_000)
    return parser.parse_args()


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if not parts.scheme.startswith(("postgres", "pgsql")):
        sys.exit("This benchmark needs PostgreSQL.")
    name = parts.path.lstrip("/")
    if not name.startswith("cpmis_bench"):
        sys.exit("Refusing to fill a database whose name does not start with cpmis_bench.")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("DEBUG", "1")  # a development run: the settings default to off
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    # Makes the template context of a response available, to read the number of rows shown.
    setup_test_environment()


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def draw(column: str, seed: int, n: int) -> str:
    """SQL for a value in 0..n-1 drawn from ``column`` by a hash of its own ``seed``.

    Each attribute has its own seed, so that no two are functions of each other: drawn as
    ``g % n`` they were (the family name fixed the category, and half of the communes had no
    child of a given category), which real data never is and which misleads any plan that walks
    one index and filters on another column.
    """
    return f"(abs(hashint8extended({column}::bigint, {seed})) %% {n})::int"


def fill(children: int, cases: int) -> None:
    """Children and cases spread over the communes of legacy Kon Tum, with set-based SQL."""
    from django.db import connection, transaction

    from locations.text import fold

    fam, mid, giv = sql_array(FAMILY), sql_array(MIDDLE), sql_array(GIVEN)
    ffam, fmid, fgiv = (sql_array([fold(x) for x in lst]) for lst in (FAMILY, MIDDLE, GIVEN))
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "TRUNCATE cases_changerecord, cases_casetransition, cases_case_circumstances, cases_case, "
            "cases_childcategory, cases_child_risks, cases_surveyrecord, cases_childmerge, cases_child CASCADE"
        )
        cur.execute(
            """CREATE TEMP TABLE bench_communes AS
               SELECT row_number() OVER (ORDER BY u.code) - 1 AS i, u.id,
                      (SELECT c.current_id FROM locations_unitconversion c WHERE c.legacy_id = u.id
                       ORDER BY c.rank LIMIT 1) AS current_id
               FROM locations_unit u JOIN locations_unit p ON p.id = u.province_id
               WHERE u.level = 'commune' AND u.edition = 'legacy' AND p.code = '62'"""
        )
        cur.execute("SELECT count(*) FROM bench_communes")
        n_communes = cur.fetchone()[0]
        started = time.perf_counter()
        cur.execute(
            f"""INSERT INTO cases_child (full_name, name_folded, date_of_birth, birth_year, birth_year_only, sex,
                    ethnicity, personal_id, child_ref, commune_id, current_unit_id, current_unit_to_review, village,
                    caregiver_name, caregiver_relation, caregiver_phone, in_school, notes, version, created_at,
                    updated_at, pending_personal_id, pending_child_ref)
                SELECT f[1+d.fam] || ' ' || m[1+d.mid] || ' ' || gv[1+d.giv],
                       ff[1+d.fam] || ' ' || fm[1+d.mid] || ' ' || fg[1+d.giv],
                       DATE '2009-01-01' + d.born, EXTRACT(YEAR FROM DATE '2009-01-01' + d.born), false,
                       CASE WHEN d.sex=0 THEN 'M' ELSE 'F' END, lpad((1+d.eth)::text, 2, '0'), '', '{REF}' || g,
                       c.id, c.current_id, false, 'Thôn ' || d.village, '', '', '', d.school<>0, '', 0, now(), now(),
                       '', ''
                FROM generate_series(1, %s) g
                CROSS JOIN LATERAL (SELECT {draw("g", 1, len(FAMILY))} fam, {draw("g", 2, len(MIDDLE))} mid,
                                           {draw("g", 3, len(GIVEN))} giv, {draw("g", 4, 5800)} born,
                                           {draw("g", 5, 2)} sex, {draw("g", 6, 54)} eth, {draw("g", 7, 9)} village,
                                           {draw("g", 8, 5)} school, {draw("g", 9, n_communes)} commune) d
                CROSS JOIN LATERAL (SELECT {fam} f, {mid} m, {giv} gv, {ffam} ff, {fmid} fm, {fgiv} fg) names
                JOIN bench_communes c ON c.i = d.commune""",
            [children],
        )
        child_seconds = time.perf_counter() - started
        started = time.perf_counter()
        cur.execute(
            f"""INSERT INTO cases_case (case_ref, child_id, commune_id, current_unit_id, current_unit_to_review,
                    opened_on, status, emergency, closed_on, outcome, notes, abuse_details, intervention_due_at,
                    assessed_on, plan_due_on, version, created_at, updated_at, channel)
                SELECT 'BC-' || g, ch.id, ch.commune_id, ch.current_unit_id, false, o.opened,
                       s.status, {draw("g", 14, 20)}=0,
                       CASE WHEN s.status='closed' THEN o.opened + 90 END,
                       CASE WHEN s.status='closed' THEN ({sql_array(OUTCOMES)})[1+{draw("g", 15, len(OUTCOMES))}]
                            ELSE '' END,
                       '', '',
                       CASE WHEN {draw("g", 14, 20)}=0 THEN o.opened + interval '12 hours' END,
                       CASE WHEN s.status='detailed_assessment' THEN o.opened + 20 END,
                       CASE WHEN s.status='detailed_assessment' THEN o.opened + 27 END,
                       0, now(), now(), ({sql_array(CHANNELS)})[1+{draw("g", 13, len(CHANNELS))}]
                FROM generate_series(1, %s) g
                JOIN LATERAL (SELECT id, commune_id, current_unit_id FROM cases_child
                              WHERE id = (SELECT min(id) FROM cases_child) + (g*5) %% %s) ch ON true
                CROSS JOIN LATERAL (SELECT DATE '2018-01-01' + {draw("g", 12, 2900)} AS opened) o
                CROSS JOIN LATERAL (SELECT ({sql_array(STATUSES)})[1+{draw("g", 11, len(STATUSES))}] AS status) s""",
            [cases, children],
        )
        case_seconds = time.perf_counter() - started
        # One child in five has a category (one of SC01..SC14), recorded on the first of the year.
        cur.execute(
            f"""INSERT INTO cases_childcategory (child_id, category_id, recorded_on)
               SELECT ch.id, cat.id, DATE '2024-01-01' FROM cases_child ch
               JOIN cases_category cat ON cat.code = 'SC' || lpad((1 + {draw("ch.id", 22, 14)})::text, 2, '0')
               WHERE {draw("ch.id", 21, 5)} = 0""".replace("%%", "%")
        )
        cur.execute("ANALYZE cases_childcategory")
        cur.execute("ANALYZE cases_child")
        cur.execute("ANALYZE cases_case")
    print(f"filled: {children:,} children in {child_seconds:.1f} s, {cases:,} cases in {case_seconds:.1f} s")


def ensure_data(children: int, cases: int) -> None:
    from django.core.management import call_command

    from cases.models import Case, Child, ChildCategory
    from locations.loaders import load_official_units
    from locations.models import Unit

    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(edition="legacy", level="province", code="62").exists():
        load_official_units(edition="legacy", provinces=["62"])
        load_official_units(edition="current", provinces=["51"])
    complete = ChildCategory.objects.exists() and Child.objects.filter(child_ref=f"{REF}1").exists()
    if not complete or Child.objects.count() != children or Case.objects.count() != cases:
        fill(children, cases)
        # As autovacuum leaves a table at rest: index-only scans need the visibility map.
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE cases_child, cases_childcategory, cases_case")


def rows_shown(response) -> int:
    """Rows the page says it has: the changelist's count, the API's ``count``, or autocomplete results."""
    if response.context is not None and "cl" in response.context:
        return response.context["cl"].result_count
    body = response.json()
    return body["count"] if "count" in body else len(body["results"])


def measure(client, url: str, params: dict[str, str]) -> tuple[int, float, int, str]:
    """Queries, median milliseconds of three renders, rows, and the slowest query's SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm-up
    timings = []
    queries = 0
    slowest = ""
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))["sql"]
        assert response.status_code == 200, (url, response.status_code)
    return queries, statistics.median(timings), rows_shown(response), slowest


def plan(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql)
        return "\n  ".join(row[0] for row in cur.fetchall())


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.test import Client
    from django.urls import reverse

    from accounts.services import user_upsert
    from locations.models import Unit

    ensure_data(args.children, args.cases)
    kontum = Unit.objects.get(edition="legacy", level="province", code="62")
    commune = Unit.objects.get(edition="legacy", level="commune", code="23281")
    users = {
        "commune officer (23281)": user_upsert(username="bench_commune", role="commune_officer", unit=commune)[0],
        "province officer (62)": user_upsert(username="bench_province", role="province_officer", unit=kontum)[0],
    }
    district = commune.district
    children, cases = reverse("admin:cases_child_changelist"), reverse("admin:cases_case_changelist")
    autocomplete = reverse("admin:autocomplete")
    pages = [
        ("children", children, {}),
        ("children, name search 'nguyen van'", children, {"q": "nguyen van"}),
        ("children, name search 'nguyen'", children, {"q": "nguyen"}),
        ("children, category + sex + age filters", children, {"category": "SC04", "sex": "F", "age": "11-15"}),
        ("children, unit filter: the commune", children, {"unit": str(commune.pk)}),
        ("children, unit filter: its district", children, {"unit": str(district.pk)}),
        ("cases", cases, {}),
        ("cases, overdue", cases, {"overdue": "yes"}),
        ("cases, status=closed", cases, {"status__exact": "closed"}),
        ("cases, search 'tran'", cases, {"q": "tran"}),
        ("cases, unit filter: the commune", cases, {"unit": str(commune.pk)}),
        ("API children", "/api/v1/children/", {}),
        ("API children, q='nguyen van'", "/api/v1/children/", {"q": "nguyen van"}),
        ("API children, category + sex", "/api/v1/children/", {"category": "SC04", "sex": "F"}),
        ("API children, unit (commune code)", "/api/v1/children/", {"unit": commune.code}),
        ("API cases", "/api/v1/cases/", {}),
        ("API cases, status=closed", "/api/v1/cases/", {"status": "closed"}),
        ("autocomplete: child's commune 'dak'", autocomplete,
         {"app_label": "cases", "model_name": "child", "field_name": "commune", "term": "dak"}),
        ("autocomplete: case's commune, no term", autocomplete,
         {"app_label": "cases", "model_name": "case", "field_name": "commune", "term": ""}),
    ]  # fmt: skip
    print(f"{'user':26} {'page':42} {'queries':>7} {'ms':>8} {'rows':>9}")
    slow: list[tuple[str, str, float, str]] = []
    for label, user in users.items():
        client = Client()
        client.force_login(user)
        for name, url, params in pages:
            queries, ms, rows, slowest = measure(client, url, params)
            print(f"{label:26} {name:42} {queries:7d} {ms:8.0f} {rows:9,d}")
            if ms > SLOW_MS:
                slow.append((label, name, ms, slowest))
    for label, name, ms, sql in slow:
        print(f"\nslowest query of {label}, {name} ({ms:.0f} ms):\n  " + plan(sql))


if __name__ == "__main__":
    main()
