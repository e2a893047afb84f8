"""Events of cases for the notifications app (docs/contract/case-work.md, "Notifications").

Computed from the data on each run, so no service has to remember to notify: the keys make a
re-run add nothing twice. A bounded number of queries per run, whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from notifications.events import Event

from .models import Case
from .referrals import Referral
from .transfers import Transfer

OFFICER_ROLES = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.PROVINCE_OFFICER)
# How far back a run looks for answers and decisions: a run missed for a week still finds them.
LOOKBACK = dt.timedelta(days=7)


def _officers_by_unit(unit_ids: set[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    rows = get_user_model().objects.filter(is_active=True, role__in=OFFICER_ROLES, unit_id__in=unit_ids)
    for uid, unit_id in rows.values_list("pk", "unit_id"):
        found[unit_id].add(uid)
    return found


def _case_url(case_id: int) -> str:
    return f"/admin/cases/case/{case_id}/change/"


def events(now: dt.datetime) -> Iterator[Event]:
    today = timezone.localdate(now)
    open_cases = Case.objects.exclude(status=Case.Status.CLOSED)
    emergencies: list[Any] = list(
        open_cases.filter(emergency=True, intervened_at__isnull=True, intervention_due_at__isnull=False).values(
            "pk", "case_ref", "commune_id", "assigned_to_id", "intervention_due_at"
        )
    )
    plans: list[Any] = list(
        open_cases.filter(status=Case.Status.DETAILED_ASSESSMENT, plan_due_on__lte=today + dt.timedelta(days=1)).values(
            "pk", "case_ref", "commune_id", "assigned_to_id", "plan_due_on"
        )
    )
    transfers: list[Any] = list(
        Transfer.objects.filter(requested_at__gte=now - LOOKBACK)
        .exclude(status=Transfer.Status.CANCELLED)
        .values("pk", "case_id", "case__case_ref", "from_unit_id", "to_unit_id", "status", "requested_by_id")
    )
    referrals: list[Any] = list(
        Referral.objects.filter(answered_at__isnull=False, answered_at__gte=now - LOOKBACK).values(
            "pk", "case_id", "case__case_ref", "case__commune_id", "case__assigned_to_id", "status", "provider"
        )
    )
    units = {c["commune_id"] for c in emergencies + plans}
    units |= {t["from_unit_id"] for t in transfers} | {t["to_unit_id"] for t in transfers}
    units |= {r["case__commune_id"] for r in referrals}
    officers = _officers_by_unit(units)

    def case_people(commune_id: int, assignee: int | None) -> frozenset[int]:
        return frozenset(officers.get(commune_id, set()) | ({assignee} if assignee else set()))

    for c in emergencies:
        people = case_people(c["commune_id"], c["assigned_to_id"])
        url = _case_url(c["pk"])
        yield Event(
            f"case:{c['pk']}:emergency_new",
            "emergency_new",
            people,
            _("New emergency case %s") % c["case_ref"],
            url=url,
        )
        due = c["intervention_due_at"]
        if due - dt.timedelta(hours=2) <= now < due:
            yield Event(
                f"case:{c['pk']}:emergency_2h",
                "emergency_2h",
                people,
                _("Emergency case %s: intervention due in 2 hours") % c["case_ref"],
                url=url,
            )
        if due <= now:
            yield Event(
                f"case:{c['pk']}:emergency_passed",
                "emergency_passed",
                people,
                _("Emergency case %s: intervention deadline passed") % c["case_ref"],
                url=url,
            )
    for c in plans:
        people = case_people(c["commune_id"], c["assigned_to_id"])
        due_on = c["plan_due_on"]
        kind = "plan_overdue" if due_on < today else "plan_due_tomorrow"
        if due_on == today:
            continue  # told the day before; overdue from tomorrow
        title = (
            _("Case %s: the plan is overdue") if kind == "plan_overdue" else _("Case %s: the plan is due tomorrow")
        ) % c["case_ref"]
        yield Event(f"case:{c['pk']}:{kind}:{due_on.isoformat()}", kind, people, title, url=_case_url(c["pk"]))
    for t in transfers:
        url = _case_url(t["case_id"])
        yield Event(
            f"transfer:{t['pk']}:received",
            "transfer_received",
            frozenset(officers.get(t["to_unit_id"], set())),
            _("Transfer of case %s received") % t["case__case_ref"],
            url=url,
        )
        if t["status"] in (Transfer.Status.ACCEPTED, Transfer.Status.REJECTED):
            told = set(officers.get(t["from_unit_id"], set()))
            if t["requested_by_id"]:
                told.add(t["requested_by_id"])
            title = (
                _("Transfer of case %s accepted")
                if t["status"] == Transfer.Status.ACCEPTED
                else _("Transfer of case %s rejected")
            ) % t["case__case_ref"]
            yield Event(f"transfer:{t['pk']}:{t['status']}", f"transfer_{t['status']}", frozenset(told), title, url=url)
    for r in referrals:
        yield Event(
            f"referral:{r['pk']}:answered:{r['status']}",
            "referral_answered",
            case_people(r["case__commune_id"], r["case__assigned_to_id"]),
            _("Referral of case %(case)s answered by %(provider)s")
            % {"case": r["case__case_ref"], "provider": r["provider"]},
            url=_case_url(r["case_id"]),
        )
