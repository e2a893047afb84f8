"""The abuse report (indicator 0101 of Circular 13/2021/TT-BLĐTBXH, "Số trẻ em bị xâm hại").

``abuse_report(user=, area=)`` is what the page, the API and the command line call. Its
selectors start from the scoped incidents of the area's year and answer in one query per
breakdown family (totals, sex, age group, form, setting, unit), whatever the number of units.

Counting rules:

- ``children_abused``: distinct children with an incident dated in the year (Jan 1 – Dec 31);
  a child with two incidents, or one incident of two forms, counts once;
- ``incidents``: incidents dated in the year;
- ``children_abused_supported``: of those children, the ones whose incident's case reached the
  support plan (``plan_approved``, ``in_progress``, ``review``, or closed after a plan was approved);
- each breakdown counts distinct children per value; a child whose incidents fall in two forms,
  settings or age groups counts once in each, so a breakdown may add up to more than the total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from cases.incidents import AbuseForm, AbuseSetting, Incident, IncidentQuerySet
from cases.models import Case, CaseTransition, Child

from .area import ReportArea, unit_json
from .suppression import hide_small, min_cell, suppress_small_cells
from .tables import Column, Table

if TYPE_CHECKING:
    from accounts.types import AnyUser

SUPPORTED_STATUSES = [Case.Status.PLAN_APPROVED, Case.Status.IN_PROGRESS, Case.Status.REVIEW]
CHILD = "case__child"


@dataclass(frozen=True)
class AgeGroup:
    label: str
    low: int
    high: int

    def __contains__(self, age: object) -> bool:
        return isinstance(age, int) and self.low <= age <= self.high


def age_groups(raw: str | None = None) -> list[AgeGroup]:
    """The bands of ``ABUSE_AGE_GROUPS`` ("0-5,6-10,11-15"): completed years, both ends included."""
    text = settings.ABUSE_AGE_GROUPS if raw is None else raw
    groups = []
    for part in (p.strip() for p in str(text).split(",")):
        low, sep, high = part.partition("-")
        if not sep or not low.strip().isdigit() or not high.strip().isdigit() or int(low) > int(high):
            raise ImproperlyConfigured(
                f"ABUSE_AGE_GROUPS: {part!r} is not a band such as 0-5 (in {text!r}); write e.g. 0-5,6-10,11-15"
            )
        groups.append(AgeGroup(label=f"{int(low)}-{int(high)}", low=int(low), high=int(high)))
    if not groups:
        raise ImproperlyConfigured("ABUSE_AGE_GROUPS is empty; write e.g. 0-5,6-10,11-15")
    return groups


def age_at(on: dt.date, *, date_of_birth: dt.date | None, birth_year: int, birth_year_only: bool) -> int:
    """Completed years on ``on``. A child known only by the year of birth is taken as born on 1 July
    of that year (the middle of the year, as population statistics do)."""
    born = date_of_birth if date_of_birth and not birth_year_only else dt.date(birth_year, 7, 1)
    return on.year - born.year - (1 if (on.month, on.day) < (born.month, born.day) else 0)


def incidents_in(*, user: AnyUser, area: ReportArea) -> IncidentQuerySet:
    """Incidents of the area dated in its year that ``user`` may see.

    Only incidents of cases and children their default managers list: a case or child taken out
    of them (archived) drops out of the report without a change here.
    """
    qs = area.records(Incident.objects.all(), user).dated_in(area.year)
    return qs.filter(case__in=Case.objects.values("pk"), case__child__in=Child.objects.values("pk"))


def _supported() -> Q:
    plan_step = CaseTransition.objects.filter(case=OuterRef("case"), to_status=Case.Status.PLAN_APPROVED)
    return Q(case__status__in=SUPPORTED_STATUSES) | Q(Exists(plan_step))


def abuse_totals(*, user: AnyUser, area: ReportArea) -> dict[str, int]:
    """``children_abused``, ``incidents``, ``children_abused_supported``: one aggregate."""
    return incidents_in(user=user, area=area).aggregate(
        children_abused=Count(CHILD, distinct=True),
        incidents=Count("pk"),
        children_abused_supported=Count(CHILD, filter=_supported(), distinct=True),
    )


def _children_by(qs: IncidentQuerySet, key: str) -> dict[Any, int]:
    rows = qs.values(key).annotate(n=Count(CHILD, distinct=True)).order_by()
    return {row[key]: row["n"] for row in rows}


def abuse_by_sex(*, user: AnyUser, area: ReportArea) -> dict[str, int]:
    """Children abused by sex (``M``, ``F``)."""
    found = _children_by(incidents_in(user=user, area=area), f"{CHILD}__sex")
    return {sex: found.get(sex, 0) for sex in Child.Sex.values}


def abuse_by_age_group(*, user: AnyUser, area: ReportArea) -> dict[str, int]:
    """Children abused by age at the incident, in the ``ABUSE_AGE_GROUPS`` bands (see ``age_at``).

    A child older than every band on the day (an incident recorded late) is in no band.
    """
    groups = age_groups()
    rows = (
        incidents_in(user=user, area=area)
        .values_list(CHILD, "date", f"{CHILD}__date_of_birth", f"{CHILD}__birth_year", f"{CHILD}__birth_year_only")
        .distinct()
        .order_by()
    )
    children: dict[str, set[int]] = {group.label: set() for group in groups}
    for child_id, on, date_of_birth, birth_year, year_only in rows:
        age = age_at(on, date_of_birth=date_of_birth, birth_year=birth_year, birth_year_only=year_only)
        for group in groups:
            if age in group:
                children[group.label].add(child_id)
    return {label: len(ids) for label, ids in children.items()}


def _by_reference(qs: IncidentQuerySet, key: str, model: type[AbuseForm] | type[AbuseSetting]) -> dict[str, int]:
    found = _children_by(qs, key)
    keys = [k for k in model.objects.filter(is_active=True).values_list("key", flat=True)]
    keys += [k for k in found if k is not None and k not in keys]
    return {k: found.get(k, 0) for k in keys}


def abuse_by_form(*, user: AnyUser, area: ReportArea) -> dict[str, int]:
    """Children abused by form of abuse (every form in use, zeros included)."""
    return _by_reference(incidents_in(user=user, area=area), "forms__key", AbuseForm)


def abuse_by_setting(*, user: AnyUser, area: ReportArea) -> dict[str, int]:
    """Children abused by the setting of the abuse (every setting in use, zeros included)."""
    return _by_reference(incidents_in(user=user, area=area), "setting__key", AbuseSetting)


def abuse_by_unit(*, user: AnyUser, area: ReportArea) -> list[dict[str, Any]]:
    """``[{code, name, children_abused}]`` for every unit of the breakdown level (as the annual
    summary breaks down), in code order; empty for a commune. One GROUP BY on the stored ancestors."""
    level = area.breakdown_level
    if level is None:
        return []
    key = area.unit_key(Incident, level)
    rows = (
        incidents_in(user=user, area=area)
        .annotate(report_key=key)
        .values("report_key")
        .annotate(n=Count(CHILD, distinct=True))
        .order_by()
    )
    found = {row["report_key"]: row["n"] for row in rows}
    result = [
        {"code": unit.code, "name": unit.name, "children_abused": found.pop(unit.pk, 0)}
        for unit in area.units().filter(level=level).order_by("code")
    ]
    if found:
        # Incidents of a unit outside the list (valid at another time) go on one last row.
        result.append({"code": "", "name": _("Other units"), "children_abused": sum(found.values())})
    return result


@dataclass
class AbuseReport:
    area: ReportArea
    totals: dict[str, Any]
    by_sex: dict[str, Any] = field(default_factory=dict)
    by_age_group: dict[str, Any] = field(default_factory=dict)
    by_form: dict[str, Any] = field(default_factory=dict)
    by_setting: dict[str, Any] = field(default_factory=dict)
    by_unit: list[dict[str, Any]] = field(default_factory=list)
    # The smallest count shown, when small counts were hidden for an aggregate-only user.
    suppressed_below: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": unit_json(self.area.unit),
            "year": self.area.year,
            "suppressed_below": self.suppressed_below,
            **self.totals,
            "by_sex": self.by_sex,
            "by_age_group": self.by_age_group,
            "by_form": self.by_form,
            "by_setting": self.by_setting,
            "by_unit": self.by_unit,
        }


def abuse_report(*, user: AnyUser, area: ReportArea) -> AbuseReport:
    """Every figure of the abuse report for ``area`` as ``user`` may see it.

    Nine queries whatever the area: one per breakdown family, plus the two reference lists
    (zeros for forms and settings nobody had) and the units of the breakdown level.
    """
    report = AbuseReport(
        area=area,
        totals=abuse_totals(user=user, area=area),
        by_sex=abuse_by_sex(user=user, area=area),
        by_age_group=abuse_by_age_group(user=user, area=area),
        by_form=abuse_by_form(user=user, area=area),
        by_setting=abuse_by_setting(user=user, area=area),
        by_unit=abuse_by_unit(user=user, area=area),
    )
    return _suppressed(report, minimum=min_cell(user))


def _suppressed(report: AbuseReport, *, minimum: int) -> AbuseReport:
    """Hide small counts for aggregate-only users (``REPORT_MIN_CELL``), in every output at once.

    The counts of abused children single a child out more than any other report, so the rule of
    ``reports.suppression`` applies here at the source: the page, exports, API and command line all
    read this report. Breakdowns that add up (about) to the children abused (by sex, age group and
    unit) get the full rule with that total; the totals and the breakdowns by form and setting, where
    a child counts in several rows, only hide their small counts.
    """
    if minimum <= 1:
        return report
    before = repr((report.totals, report.by_sex, report.by_age_group, report.by_form, report.by_setting))
    total = {"n": report.totals["children_abused"]}
    for name in ("by_sex", "by_age_group"):
        counts: dict[str, Any] = getattr(report, name)
        table = Table(
            name=name, title="", columns=[Column("n", "")], rows=[{"key": k, "n": v} for k, v in counts.items()]
        )
        table.total = dict(total)
        suppress_small_cells(table, minimum)
        setattr(report, name, {row["key"]: row["n"] for row in table.rows})
        # A total hidden by one breakdown is hidden everywhere.
        total["n"] = table.total["n"]
    by_unit = Table(name="by_unit", title="", columns=[Column("children_abused", "")], rows=report.by_unit)
    by_unit.total = {"children_abused": total["n"]}
    hidden_units = suppress_small_cells(by_unit, minimum)
    report.totals["children_abused"] = by_unit.total["children_abused"]
    report.totals = {key: hide_small(value, minimum) for key, value in report.totals.items()}
    report.by_form = {key: hide_small(value, minimum) for key, value in report.by_form.items()}
    report.by_setting = {key: hide_small(value, minimum) for key, value in report.by_setting.items()}
    after = repr((report.totals, report.by_sex, report.by_age_group, report.by_form, report.by_setting))
    if hidden_units or before != after:
        report.suppressed_below = minimum
    return report
