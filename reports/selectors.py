"""Indicators of the annual summary, one selector per indicator family.

Each selector takes ``user=`` and a ``ReportArea`` (a unit and a year), starts from the scoped
fact table (``visible_to(user)`` then ``in_unit``) and answers with a fixed number of queries
whatever the number of units and records. Figures that add up are counted per unit of record and
added up to the breakdown's units (``reports.rollup``): one query gives the breakdown and the
totals. Distinct children do not add up across units: their totals are a query of their own, the
breakdown a GROUP BY on the stored ancestors of the record's unit (``ReportArea.unit_key``).
``Figures.by_unit`` maps a unit id of the breakdown level (or ``None``: records above that level)
to the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import Aggregate, Count, Expression, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast, ExtractMonth

from cases.models import Case, CaseTransition, CommuneStats, SurveyRecord, SurveyRollup
from locations.models import Unit
from outreach.models import OutreachEvent
from programs.models import Attendance, AttendanceRollup, ProtectionModel
from scope.core import ScopedQuerySet
from scope.rollups import rollups_serve

from .area import ReportArea
from .rollup import UNIT, rolled_up

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from accounts.types import AnyUser

COMMUNITY_KINDS = [
    ProtectionModel.Kind.CHILD_CLUB,
    ProtectionModel.Kind.YOUNG_COLLABORATORS,
    ProtectionModel.Kind.COUNSELLING_POINT,
]


@dataclass
class Figures:
    """Totals of one indicator family and the same figures per unit of the breakdown."""

    total: dict[str, Any]
    by_unit: dict[int | None, dict[str, Any]] = field(default_factory=dict)


def active_on(on: dt.date) -> Q:
    """``ProtectionModel.objects.active_on(on)`` as a condition, for a count filter inside one aggregate."""
    return Q(established_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def _grouped(qs: QuerySet[Any], key: Expression, **aggregates: Aggregate) -> dict[int | None, dict[str, Any]]:
    rows = qs.annotate(report_key=key).values("report_key").annotate(**aggregates).order_by()
    return {row.pop("report_key"): row for row in rows}


def unit_counts(*, user: AnyUser, area: ReportArea) -> Figures:
    """Districts and communes valid at some time in the year in the area (the denominators).

    ``districts_total`` is ``None`` where there are no districts (current two-level structure,
    or a commune). ``by_unit`` holds ``communes_total`` per unit of the breakdown. Units are
    reference data: the area itself was checked against ``user``'s scope when it was resolved.
    """
    units = area.units()
    communes = units.filter(level=Unit.Level.COMMUNE)
    total = {
        "districts_total": units.filter(level=Unit.Level.DISTRICT).count() if area.has_districts else None,
        "communes_total": communes.count(),
    }
    level = area.breakdown_level
    by_unit: dict[int | None, dict[str, Any]] = {}
    if level == Unit.Level.COMMUNE:
        by_unit = {pk: {"communes_total": 1} for pk in communes.values_list("pk", flat=True)}
    elif level is not None:
        for row in communes.values(level).annotate(n=Count("pk")).order_by():
            by_unit[row[level]] = {"communes_total": row["n"]}
    return Figures(total=total, by_unit=by_unit)


def model_figures(*, user: AnyUser, area: ReportArea) -> Figures:
    """Protection models.

    - ``cbcp_models_new``: ``cbcp_system`` models established in the year (Jan 1 – Dec 31);
    - ``cbcp_communes_new``: distinct communes where such a model was established in the year;
    - ``cbcp_models_total``: ``cbcp_system`` models active on Dec 31 (``ProtectionModel.objects.active_on``:
      established on or before it, not ended before it; a model ending on Dec 31 still counts);
    - ``communes_with_cbcp`` / ``districts_with_cbcp``: distinct communes / districts holding an active
      ``cbcp_system`` model on Dec 31 (``None`` for districts where there are none);
    - ``community_models_total``: active ``child_club`` + ``young_collaborators`` + ``counselling_point``
      models on Dec 31.

    One query gives the totals and the breakdown (``reports.rollup``).
    """
    qs = area.records(ProtectionModel.objects.all(), user)
    active = active_on(area.end)
    cbcp = Q(kind=ProtectionModel.Kind.CBCP_SYSTEM)
    new = Q(established_on__gte=area.start, established_on__lte=area.end)
    per_unit = (
        qs.values(**{UNIT: F(area.unit_path(ProtectionModel))})
        .annotate(
            cbcp_models_new=Count("pk", filter=cbcp & new),
            cbcp_models_total=Count("pk", filter=cbcp & active),
            community_models_total=Count("pk", filter=Q(kind__in=COMMUNITY_KINDS) & active),
        )
        .order_by()
    )
    sums = ["cbcp_models_new", "cbcp_models_total", "community_models_total"]
    communes = {
        "cbcp_communes_new": ("cbcp_models_new", Unit.Level.COMMUNE),
        "communes_with_cbcp": ("cbcp_models_total", Unit.Level.COMMUNE),
    }
    # Per (breakdown unit, district): a commune lies in one such pair, so the communes of the
    # pairs add up; a district may hold several pairs (a commune breakdown), so districts are a set.
    keys = {"report_key": area.breakdown_level, "district_key": Unit.Level.DISTRICT if area.has_districts else None}
    names = [*sums, *communes]
    total: dict[str, Any] = dict.fromkeys(names, 0)
    by_unit: dict[int | None, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(names, 0))
    districts: set[int] = set()
    for row in rolled_up(per_unit, keys=keys, sums=sums, units_with=communes):
        for name in names:
            total[name] += row[name]
            by_unit[row["report_key"]][name] += row[name]
        if row["cbcp_models_total"] and row["district_key"] is not None:
            districts.add(row["district_key"])
    total["districts_with_cbcp"] = len(districts) if area.has_districts else None
    return Figures(total=total, by_unit=dict(by_unit) if area.breakdown_level else {})


def open_cases(cases: ScopedQuerySet[Case], year: int) -> ScopedQuerySet[Case]:
    """The cases of ``Case.objects.open_during(year)``: opened by Dec 31, not closed before Jan 1,
    and not closed all year long (closed before it and reopened only after it).

    The reopenings are one ``NOT IN`` list that the planner reads once, from its index
    (``transition_reopening``), where the ``NOT EXISTS`` of ``open_during`` may be probed once per case.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # ``case`` is null on the steps of a purged case; a null in a NOT IN list would match nothing.
    closed_all_year = CaseTransition.objects.filter(
        previous_closed_on__lt=start, on__gt=end, case__isnull=False
    ).values("case")
    return (
        cases.filter(opened_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .exclude(pk__in=closed_all_year)
    )


def closed_in_year(year: int, *, outcome: str) -> Q:
    """The condition of ``closed_during_q(year, outcome=)``: closed in the year with ``outcome``, as the
    case stands or by a workflow step (a closure reopened later still counts).

    The steps are one ``IN`` list that the planner reads once, from its index (``transition_closure``),
    where an ``EXISTS`` inside a count's filter runs once per case of the area.
    """
    steps = CaseTransition.objects.filter(to_status=Case.Status.CLOSED, outcome=outcome, on__year=year)
    return Q(status=Case.Status.CLOSED, outcome=outcome, closed_on__year=year) | Q(pk__in=steps.values("case"))


def case_figures(*, user: AnyUser, area: ReportArea) -> Figures:
    """Case management (docs/contract/children-and-cases.md), on ``Case.objects.open_during`` / ``closed_during``.

    - ``children_managed``: distinct children with a case in the area open at any time in the year
      (opened on or before Dec 31, not closed before Jan 1);
    - ``cases_closed_success``: distinct children whose case in the area was closed in the year with
      outcome ``goal_achieved``.

    A child is counted once in the total even with cases in two units of the breakdown, so the
    breakdown rows may add up to more than the total: the total is a query of its own.
    """
    qs = open_cases(area.records(Case.objects.all(), user), area.year)
    success = closed_in_year(area.year, outcome=Case.Outcome.GOAL_ACHIEVED)
    aggregates = {
        "children_managed": Count("child", distinct=True),
        "cases_closed_success": Count("child", filter=success, distinct=True),
    }
    total = qs.aggregate(**aggregates)
    by_unit = {}
    if area.breakdown_level:
        by_unit = _grouped(qs, area.unit_key(Case, area.breakdown_level), **aggregates)
    return Figures(total=total, by_unit=by_unit)


def success_rate(success: int, managed: int) -> float | None:
    """``success / managed`` as a fraction rounded to 4 places; ``None`` when nobody was managed."""
    return round(success / managed, 4) if managed else None


def outreach_figures(*, user: AnyUser, area: ReportArea) -> Figures:
    """Outreach events dated in the year (Jan 1 and Dec 31 included).

    ``outreach_events``: number of events; ``outreach_participants``: sum of ``participants_total``
    (person-times). ``total["by_month"]`` holds ``{month: {events, participants}}`` for months 1–12.
    One query, by (unit, month), gives the totals, the breakdown and the months.
    """
    qs = area.records(OutreachEvent.objects.all(), user).filter(date__gte=area.start, date__lte=area.end)
    # EXTRACT is a NUMERIC on PostgreSQL: grouping on an integer is cheaper.
    month = Cast(ExtractMonth("date"), IntegerField())
    per_unit = (
        qs.values(**{UNIT: F(area.unit_path(OutreachEvent))}, month=month)
        .annotate(events=Count("pk"), participants=Sum("participants_total"))
        .order_by()
    )
    rows = rolled_up(
        per_unit, keys={"report_key": area.breakdown_level}, group=["month"], sums=["events", "participants"]
    )
    by_month = {m: {"events": 0, "participants": 0} for m in range(1, 13)}
    by_unit: dict[int | None, dict[str, Any]] = defaultdict(lambda: {"outreach_events": 0, "outreach_participants": 0})
    for row in rows:
        by_month[row["month"]]["events"] += row["events"]
        by_month[row["month"]]["participants"] += row["participants"]
        if area.breakdown_level:
            by_unit[row["report_key"]]["outreach_events"] += row["events"]
            by_unit[row["report_key"]]["outreach_participants"] += row["participants"]
    total = {
        "outreach_events": sum(m["events"] for m in by_month.values()),
        "outreach_participants": sum(m["participants"] for m in by_month.values()),
        "by_month": by_month,
    }
    return Figures(total=total, by_unit=dict(by_unit))


def daycare_figures(*, user: AnyUser, area: ReportArea) -> Figures:
    """Day-care attendance in the year.

    ``daycare_avg_daily_attendance``: the average, over the days with any attendance recorded
    (present or absent) in the area, of the number of children present that day; ``None`` when no
    day was recorded. ``total["by_month"]`` holds the same average per month (``None`` for a month
    without records) and ``daycare_days`` the number of days recorded. One GROUP BY date query.
    """
    rows: Iterable[Mapping[str, Any]]
    if rollups_serve(user):
        # The day's counts of each model, kept by the database (``programs.AttendanceRollup``).
        tallies = area.records(AttendanceRollup.objects.all(), user).filter(date__gte=area.start, date__lte=area.end)
        rows = (
            tallies.values("date")
            .annotate(present=Sum("present"), recorded=Sum("recorded"))
            .filter(recorded__gt=0)
            .order_by()
        )
    else:
        qs = area.records(Attendance.objects.all(), user).filter(date__gte=area.start, date__lte=area.end)
        # ``date`` (never null) rather than the id: the attendance indexes hold it, so the count
        # needs no visit to the table.
        rows = qs.values("date").annotate(present=Count("date", filter=Q(present=True))).order_by()
    per_month: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        per_month[row["date"].month].append(row["present"])
    days = [n for month in per_month.values() for n in month]
    total = {
        "daycare_avg_daily_attendance": round(sum(days) / len(days), 2) if days else None,
        "daycare_days": len(days),
        "by_month": {
            m: (round(sum(per_month[m]) / len(per_month[m]), 2) if per_month.get(m) else None) for m in range(1, 13)
        },
    }
    return Figures(total=total)


def survey_figures(*, user: AnyUser, area: ReportArea) -> Figures:
    """The year's survey (``SurveyRecord.survey_year``), one record per child and year.

    - ``children_surveyed``: survey records of the year;
    - ``children_special``: of them, records with at least one category of special circumstances;
    - ``children_at_risk``: records with at least one risk factor and no category: a child already
      in special circumstances is counted there, not as "at risk of falling into" them.
    """
    # Record counts add up: one query per unit gives the breakdown and the totals (its sum).
    per_unit: QuerySet[Any, Any]
    if rollups_serve(user):
        # The year's counts per unit, kept by the database (``cases.SurveyRollup``): a few rows
        # per commune however many records; a unit whose deltas net to nothing has no records.
        tallies = area.records(SurveyRollup.objects.all(), user).filter(survey_year=area.year)
        per_unit = (
            tallies.values(**{UNIT: F(area.unit_path(SurveyRollup))})
            .annotate(
                children_surveyed=Sum("surveyed"), children_special=Sum("special"), children_at_risk=Sum("at_risk")
            )
            .filter(children_surveyed__gt=0)
            .order_by()
        )
    else:
        qs = survey_records(user=user, area=area)
        aggregates = {
            # ``survey_year`` (never null) rather than the id: the year indexes hold it, so the
            # count needs no visit to the table.
            "children_surveyed": Count("survey_year"),
            "children_special": Count("survey_year", filter=Q(has_category=True)),
            "children_at_risk": Count("survey_year", filter=Q(has_risk=True, has_category=False)),
        }
        per_unit = qs.values(**{UNIT: F(area.unit_path(SurveyRecord))}).annotate(**aggregates).order_by()
    names = ["children_surveyed", "children_special", "children_at_risk"]
    rows = rolled_up(per_unit, keys={"report_key": area.breakdown_level}, sums=names)
    by_unit = {row.pop("report_key"): row for row in rows}
    total = {name: sum(row[name] for row in by_unit.values()) for name in names}
    return Figures(total=total, by_unit=by_unit if area.breakdown_level else {})


class SurveyFlags(TypedDict):
    """What ``survey_records`` annotates on each record."""

    has_category: bool
    has_risk: bool


def survey_records(*, user: AnyUser, area: ReportArea) -> ScopedQuerySet[WithAnnotations[SurveyRecord, SurveyFlags]]:
    """Survey records of the area's year, annotated with ``has_category`` and ``has_risk``."""
    # The stored flags, not EXISTS over the link tables per record: see ``SurveyRecord``.
    records = (
        area.records(SurveyRecord.objects.all(), user)
        .filter(survey_year=area.year)
        .annotate(has_category=F("any_category"), has_risk=F("any_risk"))
    )
    # F() annotations are typed as Any; they are the two boolean columns of SurveyFlags.
    return cast("ScopedQuerySet[WithAnnotations[SurveyRecord, SurveyFlags]]", records)


def commune_stats(*, user: AnyUser, area: ReportArea) -> ScopedQuerySet[CommuneStats]:
    """Commune statistics of the area's survey year, visible to ``user``."""
    return area.records(CommuneStats.objects.all(), user).filter(survey_year=area.year)
