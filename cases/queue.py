"""The work queue: what a user must do now (docs/contract/case-work.md, "The work queue").

``work_queue(user=, now=)`` is the one selector behind ``GET /api/v1/me/queue/`` and the admin
home page. Each list is a count and its first entries ``{id, case_id, case_ref, child, commune,
due}`` by due date; the deadlines are the ``CaseQuerySet`` ones (``overdue`` and its halves).
It costs two queries a list whatever the number of cases (the scope is a subquery).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from scope.core import is_unrestricted, units_reached

from .models import Case, SupportPlan
from .referrals import Referral
from .transfers import Transfer

if TYPE_CHECKING:
    from accounts.types import AnyUser

FIRST = 10
PLAN_DUE_DAYS = 7
KEYS = (
    "emergency_overdue",
    "emergency_due",
    "plan_overdue",
    "plan_due",
    "review_due",
    "assigned_to_me",
    "transfers_incoming",
    "referrals_open",
)
# The lists of cases that the case changelist filters on (``?queue=<key>``), with their labels.
QUEUE_LABELS = {
    "emergency_overdue": _("Emergency past 12 hours"),
    "emergency_due": _("Emergency, 12 hours running"),
    "plan_overdue": _("Plan overdue"),
    "plan_due": _("Plan due within 7 days"),
    "review_due": _("Review due"),
    "assigned_to_me": _("My open cases"),
}

# Viewers read aggregate figures only (accounts/roles.py): no case reaches them.
NO_QUEUE_ROLES = frozenset({Role.VIEWER})


def has_queue(user: AnyUser | None) -> bool:
    return bool(user is not None and user.is_active and (is_unrestricted(user) or user.role not in NO_QUEUE_ROLES))


def _review_on() -> Subquery:
    plans = SupportPlan.objects.filter(case=OuterRef("pk"), review_on__isnull=False)
    return Subquery(plans.order_by().values("case").annotate(first=Min("review_on")).values("first")[:1])


def case_lists(*, user: AnyUser, now: dt.datetime) -> dict[str, QuerySet[Case]]:
    """The case lists of the queue as querysets with a ``due`` annotation (also the admin filter's lookups)."""
    cases = Case.objects.visible_to(user)
    today = timezone.localdate(now)
    open_cases = cases.exclude(status=Case.Status.CLOSED)
    reviews = SupportPlan.objects.filter(case=OuterRef("pk"), review_on__lte=today)
    return {
        "emergency_overdue": cases.emergency_overdue(now=now).annotate(due=F("intervention_due_at")),
        "emergency_due": cases.emergency_running(now=now).annotate(due=F("intervention_due_at")),
        "plan_overdue": cases.plan_overdue(now=now).annotate(due=F("plan_due_on")),
        "plan_due": cases.plan_due_within(now=now, days=PLAN_DUE_DAYS).annotate(due=F("plan_due_on")),
        "review_due": open_cases.filter(status=Case.Status.IN_PROGRESS)
        .filter(_exists(reviews))
        .annotate(due=_review_on()),
        "assigned_to_me": open_cases.filter(assigned_to=user.pk).annotate(due=F("plan_due_on")),
    }


def _exists(qs: QuerySet[Any]) -> Exists:
    return Exists(qs.filter(archived_at__isnull=True))


def incoming_transfers(user: AnyUser) -> QuerySet[Transfer]:
    """Pending transfers to the user's units (not the ones they sent)."""
    qs = Transfer.objects.visible_to(user).pending()
    if not is_unrestricted(user):
        qs = qs.filter(to_unit__in=units_reached(user).values("pk"))
    return qs


def open_referrals(user: AnyUser) -> QuerySet[Referral]:
    visible = Case.objects.visible_to(user).values("pk")
    return Referral.objects.filter(
        case__in=visible, status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED]
    ).exclude(case__status=Case.Status.CLOSED)


def _entries(qs: QuerySet[Any], *, case: str, due: str, commune: str) -> list[dict[str, Any]]:
    prefix = f"{case}__" if case else ""
    rows = qs.order_by(F(due).asc(nulls_last=True), "pk").values(
        "pk",
        f"{prefix}pk" if case else "pk",
        f"{prefix}case_ref",
        f"{prefix}child__full_name",
        f"{commune}__name",
        due,
    )[:FIRST]
    return [
        {
            "id": row["pk"],
            "case_id": row[f"{prefix}pk" if case else "pk"],
            "case_ref": row[f"{prefix}case_ref"],
            "child": row[f"{prefix}child__full_name"],
            "commune": row[f"{commune}__name"],
            "due": row[due],
        }
        for row in rows
    ]


def _listed(qs: QuerySet[Any], **how: str) -> dict[str, Any]:
    return {"count": qs.count(), "items": _entries(qs, **how)}


def work_queue(*, user: AnyUser, now: dt.datetime) -> dict[str, dict[str, Any]]:
    """``{key: {"count", "items"}}`` for every key of ``KEYS``; empty for a user without a queue."""
    if not has_queue(user):
        return {key: {"count": 0, "items": []} for key in KEYS}
    queue = {
        key: _listed(qs, case="", due="due", commune="commune") for key, qs in case_lists(user=user, now=now).items()
    }
    queue["transfers_incoming"] = _listed(
        incoming_transfers(user), case="case", due="requested_at", commune="from_unit"
    )
    queue["referrals_open"] = _listed(open_referrals(user), case="case", due="due_on", commune="case__commune")
    return {key: queue[key] for key in KEYS}
