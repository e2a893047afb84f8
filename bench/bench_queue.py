#!/usr/bin/env python
"""The work queue on 1,000,000 children and 200,000 cases (PostgreSQL): the admin home page and
``GET /api/v1/me/queue/`` (docs/contract/case-work.md, "The work queue": a bounded number of
queries whatever the number of cases).

    python bench/bench_queue.py [--database-url postgres://postgres@127.0.0.1:5432/cpmis_bench_cases]
                                [--children 1000000] [--cases 200000]

Uses the scratch database of ``bench_cases_admin.py`` (built by its functions the first time, or
when the sizes differ), then gives every queue list something to show, with set-based SQL and
relative to now, so each run starts from the same state: cases assigned to the two officers,
emergencies whose 12 hours are still running or just passed, plans due and overdue, reviews due,
pending transfers to the commune and across the province, and open referrals. Prints, for a
commune officer and a province officer, the number of SQL queries, the median time of three
requests of each page (after one warm-up request) and of its slowest query, and the counts of the
queue's lists.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench_cases_admin import ensure_data, ensure_database, parse_args, setup_django

# Rows this benchmark adds are marked so that the next run replaces them instead of piling up.
MARK = "bench queue"
SERVICES = ["health", "education", "police", "justice", "legal_aid", "psychosocial", "social_assistance", "shelter"]


def fill_queue(*, commune_id: int, commune_officer_id: int, province_officer_id: int) -> dict[str, int]:
    """Make every queue list non-empty across the province, relative to now; returns the rows touched."""
    from django.db import connection, transaction

    touched: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM cases_transfer WHERE reason = %s", [MARK])
        cur.execute(
            "DELETE FROM cases_referralstep WHERE referral_id IN (SELECT id FROM cases_referral WHERE provider = %s)",
            [MARK],
        )
        cur.execute("DELETE FROM cases_referral WHERE provider = %s", [MARK])
        cur.execute("DELETE FROM cases_supportplan WHERE goals = %s", [MARK])
        cur.execute(
            "UPDATE cases_case SET assigned_to_id = NULL WHERE assigned_to_id IN (%s, %s)",
            [commune_officer_id, province_officer_id],
        )
        # Assigned: a third of the commune's cases to its officer, one case in fifty to the province's.
        cur.execute(
            "UPDATE cases_case SET assigned_to_id = %s WHERE commune_id = %s AND id %% 3 = 0",
            [commune_officer_id, commune_id],
        )
        touched["assigned to the commune officer"] = cur.rowcount
        cur.execute(
            "UPDATE cases_case SET assigned_to_id = %s WHERE assigned_to_id IS NULL AND id %% 50 = 1",
            [province_officer_id],
        )
        touched["assigned to the province officer"] = cur.rowcount
        # Emergencies (one case in twenty): one in five reported in the last day, so that about half
        # of those are still inside their 12 hours and half just past them; the others stay long past.
        cur.execute(
            """UPDATE cases_case SET reported_at = now() - (id %% 24) * interval '1 hour' - interval '5 minutes',
                      intervention_due_at = now() - (id %% 24) * interval '1 hour' + interval '11 hours 55 minutes',
                      intervened_at = NULL
               WHERE emergency AND id %% 5 = 0""",
            [],
        )
        touched["emergencies reported in the last 24 hours"] = cur.rowcount
        # Plans: the cases in detailed assessment, one in three due from two days ago to a week ahead.
        cur.execute(
            """UPDATE cases_case SET plan_due_on = CURRENT_DATE + (id %% 10)::int - 2
               WHERE status = 'detailed_assessment' AND id %% 3 = 0""",
            [],
        )
        touched["plans due from 2 days ago to 7 days ahead"] = cur.rowcount
        # Reviews: a plan on every other case in progress, its review from 10 days ago to 9 ahead.
        cur.execute(
            """INSERT INTO cases_supportplan (case_id, cycle, goals, decision_no, approved_by, document,
                   created_at, review_on)
               SELECT id, 1, %s, '', '', '', now(), CURRENT_DATE + (id %% 20)::int - 10
               FROM cases_case WHERE status = 'in_progress' AND id %% 2 = 0""",
            [MARK],
        )
        touched["support plans with a review date"] = cur.rowcount
        # Pending transfers: one open case in a hundred, to the commune (from elsewhere) or to the
        # commune after its own in the province's list.
        cur.execute(
            """WITH communes AS (
                   SELECT u.id, coalesce(lead(u.id) OVER (ORDER BY u.code), min(u.id) OVER ()) AS next_id
                   FROM locations_unit u JOIN locations_unit p ON p.id = u.province_id
                   WHERE u.level = 'commune' AND u.edition = 'legacy' AND p.code = '62')
               INSERT INTO cases_transfer (case_id, from_unit_id, to_unit_id, reason, status, requested_at,
                   decision_reason, consent_override_reason, requested_by_id)
               SELECT c.id, c.commune_id,
                      CASE WHEN c.id %% 1000 = 0 AND c.commune_id <> %s THEN %s ELSE n.next_id END,
                      %s, 'pending', now() - (c.id %% 72) * interval '1 hour', '', '', NULL
               FROM cases_case c JOIN communes n ON n.id = c.commune_id
               WHERE c.status <> 'closed' AND c.id %% 100 = 0""",
            [commune_id, commune_id, MARK],
        )
        touched["pending transfers"] = cur.rowcount
        # Open referrals: one open case in fifty, sent or accepted, due from 5 days ago to 14 ahead.
        cur.execute(
            f"""INSERT INTO cases_referral (case_id, service, provider, reason, due_on, status, sent_at,
                   consent_override_reason, shares_file, sent_by_id)
               SELECT id, (ARRAY[{",".join(f"'{s}'" for s in SERVICES)}])[1 + id %% {len(SERVICES)}], %s, '',
                      CURRENT_DATE + (id %% 20)::int - 5,
                      CASE WHEN id %% 2 = 0 THEN 'sent' ELSE 'accepted' END, now(), '', false, NULL
               FROM cases_case WHERE status <> 'closed' AND id %% 50 = 3""",
            [MARK],
        )
        touched["open referrals"] = cur.rowcount
        for table in ("cases_case", "cases_supportplan", "cases_transfer", "cases_referral"):
            cur.execute(f"ANALYZE {table}")
    return touched


def measure(client: Any, url: str, counts: Any) -> tuple[int, float, float, dict[str, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    timings = []
    queries = 0
    slowest = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
        slowest.append(max(float(q["time"]) for q in ctx.captured_queries) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return queries, statistics.median(timings), statistics.median(slowest), counts(response)


def home_counts(response: Any) -> dict[str, int]:
    return {row["key"]: row["count"] for row in response.context["home_queue"]}


def api_counts(response: Any) -> dict[str, int]:
    return {key: entry["count"] for key, entry in response.json().items()}


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.test import Client
    from django.urls import reverse

    from accounts.services import user_upsert
    from cases.queue import KEYS
    from locations.models import Unit

    ensure_data(args.children, args.cases)
    kontum = Unit.objects.get(edition="legacy", level="province", code="62")
    commune = Unit.objects.get(edition="legacy", level="commune", code="23281")
    users = {
        "commune officer (23281)": user_upsert(username="bench_commune", role="commune_officer", unit=commune)[0],
        "province officer (62)": user_upsert(username="bench_province", role="province_officer", unit=kontum)[0],
    }
    started = time.perf_counter()
    touched = fill_queue(
        commune_id=commune.pk,
        commune_officer_id=users["commune officer (23281)"].pk,
        province_officer_id=users["province officer (62)"].pk,
    )
    print(
        f"queue data in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in touched.items())
    )
    pages = [
        ("admin home page", reverse("admin:index"), home_counts),
        ("GET /api/v1/me/queue/", "/api/v1/me/queue/", api_counts),
    ]
    print(f"\n{'user':26} {'page':24} {'queries':>7} {'ms':>8} {'slowest query ms':>17}")
    listed: dict[str, dict[str, int]] = {}
    for label, user in users.items():
        client = Client()
        client.force_login(user)
        for name, url, counts in pages:
            queries, ms, slowest, found = measure(client, url, counts)
            print(f"{label:26} {name:24} {queries:7d} {ms:8.0f} {slowest:17.0f}")
            if listed.setdefault(label, found) != found:
                raise SystemExit(f"{label}: the home page and the API count differently: {listed[label]} / {found}")
    print(f"\n{'queue list':20} " + " ".join(f"{label:>24}" for label in users))
    for key in KEYS:
        print(f"{key:20} " + " ".join(f"{listed[label][key]:24,d}" for label in users))


if __name__ == "__main__":
    main()
