#!/usr/bin/env python
"""Time the children import against django-import-export's defaults and a raw COPY.

    python bench/bench_import.py --database-url postgres://postgres@127.0.0.1:5432/cpmis_bench_import

Builds a scratch PostgreSQL database (created when missing, refused when it holds users or
imports that are not the benchmark's) with the legacy units of Kon Tum and ``--existing``
children (default 1,000,000) written with set-based SQL, then generates a ``children``
file of ``--rows`` rows (default 100,000): half of them the same children as existing
ones (by ``child_ref``), half new. In one run it measures, each step in its own process so
that its peak memory (max RSS) is its own:

* the product's preview (``run_import(commit=False)``) and commit;
* a plain django-import-export ``ModelResource`` with default settings, on a sample of
  ``--baseline-rows`` rows (its speed does not depend on the file size; it would take
  minutes for the whole file), inside a transaction that is rolled back;
* a raw ``COPY`` into a staging table + ``INSERT … ON CONFLICT`` of the same rows (children
  and survey records), rolled back;
* with ``--million``, the product's preview and commit of a 1,000,000-row file (memory).

Prints rows/s, seconds, queries and peak memory per step, and the ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "artifacts" / "bench_import"
PROVINCE = "62"
YEAR = 2024
USERNAME = "bench_import"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    parser.add_argument("--million", action="store_true", help="also import a 1,000,000-row file (memory)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith(("postgres", "pgsql")):
        parser.error("give a scratch PostgreSQL database with --database-url (or BENCH_DATABASE_URL)")
    return args


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("MEDIA_ROOT", str(WORK / "media"))
    # DEBUG keeps the SQL of every query in memory: it would distort the peak memory.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    import django

    django.setup()


def peak_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited on exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------
# Preparation (parent process)


def prepare(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from accounts.services import user_upsert
    from cases.models import Category, Child, SurveyRecord
    from locations.loaders import load_official_units
    from locations.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    others = User.objects.exclude(username=USERNAME)
    if others.exists():
        sys.exit("Refusing to run: the database has users, so it is not this benchmark's scratch database.")
    if not Unit.objects.filter(code=PROVINCE, edition="legacy").exists():
        load_official_units(edition="legacy", provinces=[PROVINCE])
    for number in range(1, 15):
        Category.objects.get_or_create(code=f"SC{number:02d}", defaults={"point": "a", "name": f"SC{number}"})
    province = Unit.objects.get(code=PROVINCE, edition="legacy", level="province")
    user_upsert(username=USERNAME, role="province_officer", unit=province)
    # Start every run from the same state: only the existing children, no survey records.
    with connection.cursor() as cursor:
        # Raw SQL: the ORM's delete() would load every row into memory first.
        cursor.execute(f"TRUNCATE {SurveyRecord._meta.db_table} CASCADE")
        cursor.execute("DELETE FROM cases_child WHERE child_ref LIKE 'N%%'")
        cursor.execute(
            "UPDATE cases_child SET village = '', in_school = NULL WHERE village <> '' OR in_school IS NOT NULL"
        )
        cursor.execute("SELECT count(*) FROM cases_child")
        have = cursor.fetchone()[0]
    if have != args.existing:
        print(f"Writing {args.existing:,} existing children with set-based SQL ...", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE cases_child CASCADE")
        insert_existing(args.existing, Child)
    vacuum()


def vacuum() -> None:
    """Clear what a rolled-back step left behind, so that no step pays for another's (autovacuum)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_child")
        cursor.execute("VACUUM ANALYZE cases_surveyrecord")


def commune_ids_and_codes() -> list[tuple[int, str]]:
    from locations.models import Unit

    return list(
        Unit.objects.filter(edition="legacy", level="commune", province__code=PROVINCE)
        .order_by("code")
        .values_list("pk", "code")
    )


def insert_existing(count: int, model) -> None:
    from django.db import connection, models

    ids = [pk for pk, _code in commune_ids_and_codes()]
    given = {
        "full_name": "'Trẻ Em ' || i",
        "name_folded": "'tre em ' || i",
        "date_of_birth": "date '2015-01-01' + (i %% 365)",
        "birth_year": "2015",
        "sex": "CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END",
        "child_ref": "'B' || lpad(i::text, 8, '0')",
        "commune_id": f"(ARRAY{ids})[1 + i %% {len(ids)}]",
    }
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in given:
            expression = given[field.column]
        elif field.null:
            continue
        elif isinstance(field, models.BooleanField):
            expression = "false"
        elif isinstance(field, models.DateTimeField):
            expression = "now()"
        elif isinstance(field, models.IntegerField):
            expression = "0"
        else:
            expression = "''"
        columns.append(field.column)
        values.append(expression)
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM generate_series(1, %s) AS i"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count])


def write_file(path: Path, rows: int, existing: int, *, iso: bool = False) -> Path:
    """Half the rows are existing children (same ref, name, date of birth, sex, commune)."""
    codes = [code for _pk, code in commune_ids_and_codes()]
    import datetime as dt

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["survey_year", "commune_code", "full_name", "date_of_birth", "sex", "child_ref", "village", "in_school"]
        )
        half = rows // 2
        for n in range(rows):
            if n < half:
                i = 1 + (n * max(existing // max(half, 1), 1)) % existing
                name, ref = f"Trẻ Em {i}", f"B{i:08d}"
            else:
                i = n
                name, ref = f"Trẻ Mới {n}", f"N{n:08d}"
            born = dt.date(2015, 1, 1) + dt.timedelta(days=i % 365)
            writer.writerow(
                [
                    YEAR,
                    codes[i % len(codes)],
                    name,
                    born.isoformat() if iso else born.strftime("%d/%m/%Y"),
                    "M" if i % 2 == 0 else "F",
                    ref,
                    f"Thôn {i % 12}",
                    "1",
                ]
            )
    return path


# ---------------------------------------------------------------------------------------
# Measured steps (each in its own process)


def phase(name: str, file: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    user = get_user_model().objects.get(username=USERNAME)
    path = Path(file)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        if name in ("product_preview", "product_commit"):
            from imports.pipeline import run_import

            result = run_import(path=path, kind="children", user=user, commit=name == "product_commit")
            assert result.valid, result.errors[:5]
            rows = result.counts["read"]
            extra = {k: result.counts[k] for k in ("new", "updated", "unchanged")}
        elif name in ("baseline_dry", "baseline"):
            rows, extra = baseline(path, dry_run=name == "baseline_dry")
        elif name == "copy":
            rows, extra = raw_copy(path)
        else:
            raise SystemExit(f"unknown phase {name}")
        seconds = time.perf_counter() - start
    return {
        "phase": name,
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds if seconds else 0,
        "queries": len(queries),
        "peak_mb": peak_mb(),
        **extra,
    }


def baseline(path: Path, *, dry_run: bool) -> tuple[int, dict]:
    """A plain ModelResource with default settings, as the admin's import button would run it."""
    import tablib
    from django.db import transaction
    from import_export import fields, resources, widgets

    from cases.models import Child
    from locations.models import Unit

    class ChildResource(resources.ModelResource):
        commune = fields.Field(
            attribute="commune", column_name="commune_code", widget=widgets.ForeignKeyWidget(Unit, "code")
        )

        class Meta:
            model = Child
            import_id_fields = ["child_ref"]
            fields = ["child_ref", "full_name", "date_of_birth", "sex", "commune", "village", "in_school"]

    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    with transaction.atomic():
        result = ChildResource().import_data(dataset, dry_run=dry_run, raise_errors=True)
        transaction.set_rollback(True)
    totals = result.totals
    return len(dataset), {"new": totals.get("new", 0), "updated": totals.get("update", 0)}


def raw_copy(path: Path) -> tuple[int, dict]:
    """COPY into a staging table, then INSERT … ON CONFLICT children and survey records."""
    from django.db import connection, transaction

    from locations.models import Unit

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE staging (survey_year int, commune_code text, full_name text, date_of_birth text,"
            " sex text, child_ref text, village text, in_school text) ON COMMIT DROP"
        )
        with path.open("rb") as handle, cursor.copy("COPY staging FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        legacy = Unit.Edition.LEGACY
        cursor.execute(
            """
            INSERT INTO cases_child (full_name, name_folded, date_of_birth, birth_year, birth_year_only, sex, ethnicity,
                personal_id, child_ref, commune_id, village, caregiver_name, caregiver_relation, caregiver_phone,
                in_school, notes, version, created_at, updated_at, current_unit_to_review, pending_personal_id,
                pending_child_ref)
            SELECT s.full_name, lower(s.full_name), to_date(s.date_of_birth, 'DD/MM/YYYY'),
                extract(year FROM to_date(s.date_of_birth, 'DD/MM/YYYY')), false, s.sex, '', '', s.child_ref, u.id,
                s.village, '', '', '', s.in_school = '1', '', 0, now(), now(), false, '', ''
            FROM staging s JOIN locations_unit u ON u.code = s.commune_code AND u.level = 'commune' AND u.edition = %s
            ON CONFLICT (child_ref) WHERE NOT (child_ref = '') AND archived_at IS NULL
            DO UPDATE SET full_name = EXCLUDED.full_name,
                date_of_birth = EXCLUDED.date_of_birth, sex = EXCLUDED.sex, village = EXCLUDED.village,
                in_school = EXCLUDED.in_school, updated_at = now()
            """,
            [legacy],
        )
        children = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO cases_surveyrecord (child_id, survey_year, commune_id, village, in_school, notes, created_at,
                current_unit_to_review, any_category, any_risk)
            SELECT c.id, s.survey_year, c.commune_id, s.village, s.in_school = '1', '', now(), false, false, false
            FROM staging s JOIN cases_child c ON c.child_ref = s.child_ref
            ON CONFLICT (child_id, survey_year) DO UPDATE SET village = EXCLUDED.village
            """
        )
        records = cursor.rowcount
        transaction.set_rollback(True)
    return children, {"survey_records": records}


def run_phase(args: argparse.Namespace, name: str, file: Path) -> dict:
    command = [sys.executable, __file__, "--database-url", args.database_url, "--phase", name, "--file", str(file)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


SHOWN = {"phase", "rows", "seconds", "rows_per_s", "queries", "peak_mb"}


def show(result: dict) -> None:
    extra = {k: v for k, v in result.items() if k not in SHOWN}
    print(
        f"{result['phase']:<22} {result['rows']:>9,} rows {result['seconds']:8.2f} s"
        f" {result['rows_per_s']:>9,.0f} rows/s {result['queries']:>7,} queries"
        f"  peak {result['peak_mb']:6.0f} MB  {extra}",
        flush=True,
    )


def main() -> None:
    args = parse_args()
    if args.phase:
        setup_django(args.database_url)
        print(json.dumps(phase(args.phase, args.file)))
        return
    ensure_database(args.database_url)
    setup_django(args.database_url)
    prepare(args)
    from django.db import connection

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}; {args.existing:,} existing children")
    main_file = write_file(WORK / "children.csv", args.rows, args.existing)
    sample = write_file(WORK / "baseline.csv", args.baseline_rows, args.existing, iso=True)
    results = {}
    for name, file in (
        ("product_preview", main_file),
        ("copy", main_file),
        ("baseline_dry", sample),
        ("baseline", sample),
        ("product_commit", main_file),
    ):
        vacuum()
        results[name] = run_phase(args, name, file)
        show(results[name])
    again = run_phase(args, "product_preview", main_file)
    again["phase"] = "re-import preview"
    show(again)
    if args.million:
        big = write_file(WORK / "children_1m.csv", 1_000_000, args.existing)
        prepare(args)
        for name in ("product_preview", "product_commit"):
            result = run_phase(args, name, big)
            result["phase"] = f"1M {name}"
            show(result)
    product = min(results["product_preview"]["rows_per_s"], results["product_commit"]["rows_per_s"])
    print(
        f"\nproduct (slower of preview/commit) {product:,.0f} rows/s; "
        f"{product / results['baseline']['rows_per_s']:.0f}x the ModelResource default; "
        f"COPY + ON CONFLICT is {results['copy']['rows_per_s'] / product:.1f}x the product"
    )


if __name__ == "__main__":
    main()
