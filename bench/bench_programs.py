#!/usr/bin/env python
"""Time the day-care register page (60 children) and the outreach event list (100,000 events).

    python bench/bench_programs.py
    python bench/bench_programs.py --database-url postgres://postgres@127.0.0.1:5432/cpmis_bench_programs

Runs on a scratch PostgreSQL database of its own (default ``cpmis_bench_programs`` on the
server of ``DATABASE_URL``, or ``--database-url``), which it creates and migrates; the
database name must contain ``bench``, so pointing it at real data by mistake is refused.
The environment's ``DATABASE_URL`` is only used to find the server.

Data: the legacy units of Kon Tum (62), one day-care model with 60 enrolled children and a
recorded day, and 100,000 events spread over the province's communes and 2020–2025,
inserted with one ``INSERT … SELECT generate_series`` statement.

Prints, for each page: the median of several requests in ms, the number of SQL queries and
the size of the response.
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
EVENTS = 100_000
CHILDREN = 60
RUNS = 5
DAY = "04/03/2024"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cpmis")
    default = urlsplit(server)._replace(path="/cpmis_bench_programs").geturl()
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", default))
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--children", type=int, default=CHILDREN)
    args = parser.parse_args()
    parts = urlsplit(args.database_url)
    if not parts.scheme.startswith(("postgres", "pgsql")):
        parser.error("this benchmark needs PostgreSQL")
    if "bench" not in parts.path:
        parser.error("the scratch database's name must contain 'bench'")
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
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def build_data(*, events: int, children: int):
    """Units, a province officer, a day-care model with ``children`` enrolled, ``events`` events."""
    import datetime as dt

    from django.db import connection

    from accounts.services import user_upsert
    from locations.loaders import load_official_units
    from locations.models import Unit
    from locations.succession import SuccessionMap
    from outreach.models import OutreachEvent
    from programs.models import Attendance, Enrolment, ProtectionModel

    load_official_units(edition="legacy", provinces=["62"])
    load_official_units(edition="current", provinces=["51"])
    province = Unit.objects.get(edition="legacy", level="province", code="62")
    user, _created = user_upsert(username="bench_province", role="province_officer", unit=province)
    district = Unit.objects.get(edition="legacy", level="district", code="608")
    district_user, _created = user_upsert(username="bench_district", role="district_officer", unit=district)

    ProtectionModel.objects.filter(code="BENCH-BT").delete()
    model = ProtectionModel.objects.create(
        code="BENCH-BT",
        name="Bán trú (benchmark)",
        kind="daycare_disability",
        unit=province,
        established_on=dt.date(2023, 1, 1),
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(model=model, child_name=f"Trẻ {i:03d}", child_ref=f"B{i:03d}", enrolled_on=dt.date(2023, 1, 2))
        for i in range(children)
    )
    Attendance.objects.bulk_create(
        Attendance(enrolment=e, date=dt.date(2024, 3, 4), present=i % 7 != 0) for i, e in enumerate(enrolments)
    )

    start = time.perf_counter()
    OutreachEvent.objects.filter(event_ref__startswith="BENCH-").delete()
    communes = list(
        Unit.objects.filter(edition="legacy", level="commune", province=province).values_list("pk", flat=True)
    )
    succession = SuccessionMap(communes)
    current = [succession.get(pk).current.pk for pk in communes]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO outreach_outreachevent (
                current_unit_id, current_unit_to_review, event_ref, date, unit_id, kind, venue, topic,
                participants_total, participants_children, participants_female, organiser, notes,
                created_at, updated_at)
            SELECT m.current_id, false, 'BENCH-' || g, DATE '2020-01-01' + (g * 7919 %% 2190),
                   m.unit_id, (ARRAY['talk','training','campaign','media','other'])[1 + g %% 5],
                   (ARRAY['community','school','other'])[1 + g %% 3], 'Chủ đề truyền thông ' || (g %% 50),
                   20 + g %% 200, (20 + g %% 200) / 2, (20 + g %% 200) / 3, 'UBND xã', '', now(), now()
            FROM generate_series(1, %s) AS g
            JOIN unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS m(unit_id, current_id, idx)
              ON m.idx = 1 + g %% %s
            """,
            [events, communes, current, len(communes)],
        )
        cursor.execute("ANALYZE outreach_outreachevent")
    print(f"Inserted {events:,} events over {len(communes)} communes in {time.perf_counter() - start:.1f} s")
    return user, district_user, model


def measure(client, label: str, url: str, method: str = "get", data: dict | None = None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries, size, status = [], 0, 0, None
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = getattr(client, method)(url, data or {})
            timings.append((time.perf_counter() - start) * 1000)
        queries, size, status = len(captured), len(response.content), response.status_code
    print(
        f"{label:<48} {statistics.median(timings):8.1f} ms  {queries:4d} queries  {size / 1024:8.1f} KB  HTTP {status}"
    )


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0, interactive=False)
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    user, district_user, model = build_data(events=args.events, children=args.children)

    client = Client()
    client.force_login(user)
    register = reverse("admin:programs_protectionmodel_register", args=[model.pk])
    measure(client, f"register page, {args.children} children (GET)", f"{register}?date={DAY}")
    post = {"form-TOTAL_FORMS": str(args.children), "form-INITIAL_FORMS": str(args.children)}
    for i, enrolment in enumerate(model.enrolments.order_by("child_name", "pk")):
        post[f"form-{i}-enrolment_id"] = str(enrolment.pk)
        post[f"form-{i}-present"] = "on" if i % 5 else ""
        post[f"form-{i}-services"] = "Phục hồi chức năng"
    measure(client, f"register page, {args.children} children (POST save)", f"{register}?date={DAY}", "post", post)

    events = reverse("admin:outreach_outreachevent_changelist")
    measure(client, f"admin event list, {args.events:,} events", events)
    measure(client, "admin event list, year=2024", f"{events}?year=2024")
    measure(client, "admin event list, year=2024 & venue=school", f"{events}?year=2024&venue__exact=school")
    measure(client, "admin event list, search 'Chủ đề truyền thông 7'", f"{events}?q=Chủ+đề+truyền+thông+7")
    measure(client, "API /events/ page 1", "/api/v1/events/")
    measure(client, "API /events/?year=2024&unit=608", "/api/v1/events/?year=2024&unit=608")
    measure(client, "API /events/totals/?year=2024", "/api/v1/events/totals/?year=2024")
    district_client = Client()
    district_client.force_login(district_user)
    measure(district_client, "admin event list as district officer (608)", events)


if __name__ == "__main__":
    main()
