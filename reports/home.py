"""The admin home page: the user's work queue and the year's key figures of their unit.

It lives above both ``cases`` (the queue, ``cases.queue.work_queue``) and the report selectors
(``case_figures``): no figure is defined twice (docs/contract/case-work.md, "The work queue").
Viewers see only the figures; users without a unit see neither.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.access import record_access
from cases.models import Case, Referral, Transfer
from cases.queue import KEYS, QUEUE_LABELS, has_queue, work_queue
from scope.core import user_unit
from scope.reads import Action

from .area import ReportArea
from .selectors import case_figures

LABELS = {
    **QUEUE_LABELS,
    "transfers_incoming": _("Incoming transfers"),
    "referrals_open": _("Open referrals"),
}
# Lists that show a past deadline: their count is red on the page.
LATE_KEYS = frozenset({"emergency_overdue", "plan_overdue", "review_due"})


def _item_url(key: str, item: dict[str, Any]) -> str:
    """Each entry opens its own page: the transfer's summary for an incoming transfer (the receiving unit
    sees no file before it accepts, docs/contract/case-work.md, "Transfers"), else the case."""
    if key == "transfers_incoming":
        return reverse("admin:cases_transfer_change", args=[item["id"]])
    return reverse("admin:cases_case_change", args=[item["case_id"]])


def list_links(request: HttpRequest) -> dict[str, str]:
    """The transfer and referral lists filtered as their queue entries count them.

    Incoming pending transfers (``DirectionFilter`` of ``cases.admin.transfers``) and referrals
    still sent or accepted (``cases.queue.open_referrals``); a list the user may not view gets
    no link rather than a refusal.
    """
    links = {}
    if request.user.has_perm("cases.view_transfer"):
        changelist = reverse("admin:cases_transfer_changelist")
        links["transfers_incoming"] = f"{changelist}?direction=incoming&status={Transfer.Status.PENDING}"
    if request.user.has_perm("cases.view_referral"):
        changelist = reverse("admin:cases_referral_changelist")
        statuses = ",".join((Referral.Status.SENT, Referral.Status.ACCEPTED))
        links["referrals_open"] = f"{changelist}?status__in={statuses}"
    return links


def queue_rows(request: HttpRequest, queue: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    changelist = reverse("admin:cases_case_changelist")
    links = list_links(request)
    rows = []
    for key in KEYS:
        entry = queue[key]
        url = f"{changelist}?queue={key}" if key in QUEUE_LABELS else links.get(key, "")
        items = [{**item, "url": _item_url(key, item)} for item in entry["items"]]
        late = key in LATE_KEYS and entry["count"] > 0
        rows.append({"key": key, "label": LABELS[key], **entry, "items": items, "late": late, "url": url})
    return rows


def home_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    context: dict[str, Any] = {"home_queue": None, "home_figures": None}
    unit = user_unit(user)
    if unit is not None:
        context["home_figures"] = case_figures(user=user, area=ReportArea(unit=unit, year=now.year)).total
        context["home_unit"] = unit
        context["home_year"] = now.year
    if has_queue(user) and (unit is not None or user.is_superuser):
        queue = work_queue(user=user, now=now)
        case_ids = {item["case_id"] for entry in queue.values() for item in entry["items"]}
        if case_ids:
            # The children's names on the page are personal data.
            record_access(request, action=Action.VIEW, objects=Case._base_manager.filter(pk__in=case_ids))
        context["home_queue"] = queue_rows(request, queue)
    return context


def index(request: HttpRequest) -> HttpResponse:
    """``admin:index`` with the home page context (the app list stays below)."""
    return admin.site.index(request, extra_context=home_context(request))
