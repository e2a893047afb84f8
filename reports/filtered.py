"""Filtered reports (docs/contract/reports.md): selectors that take ``user=`` and the request's filter data.

Each report starts from ``visible_to(user)``, applies its ``ReportFilterSet`` (period, unit in
scope, dimensions), groups in the database and returns ``Table`` objects; all figures are
aggregates, so a ``viewer`` may run every one of them. The area comes from ``resolve_area``, as
for the annual summary: a user without a unit gets ``ReportUnitNotFound``, and filters that do
not validate (a unit outside the scope among them) give a report without tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.ethnicity import ETHNICITY_CHOICES
from cases.models import Case, Category, SurveyRecord
from locations.models import Unit
from outreach.models import OutreachEvent
from programs.models import ProtectionModel

from . import filters
from .area import ReportArea, ReportRequestError, resolve_area
from .selectors import active_on, commune_stats, survey_records
from .suppression import min_cell, suppress_small_cells
from .tables import TOTAL_LABEL, Column, Table

if TYPE_CHECKING:
    from accounts.types import AnyUser

AGE_GROUPS = [(0, 5, "0–5"), (6, 10, "6–10"), (11, 15, "11–15"), (16, 200, "16+")]


@dataclass
class FilteredReport:
    filterset: filters.ReportFilterSet
    tables: list[Table]
    # The smallest count shown, when small counts were hidden (see ``reports.suppression``).
    suppressed_below: int = 0


def _suppressed(report: FilteredReport, *, user: AnyUser) -> FilteredReport:
    """Hide small counts of children for aggregate-only users (``REPORT_MIN_CELL``)."""
    minimum = min_cell(user)
    hidden = [suppress_small_cells(table, minimum) for table in report.tables]
    if any(hidden):
        report.suppressed_below = minimum
    return report


def _filterset(
    cls: type[filters.ReportFilterSet], *, user: AnyUser, data: Mapping[str, Any]
) -> filters.ReportFilterSet:
    queryset = cls._meta.model._default_manager.visible_to(user)
    return cls(data=data or None, queryset=queryset, request=SimpleNamespace(user=user))


def _area(fs: filters.ReportFilterSet, *, user: AnyUser) -> ReportArea | None:
    """The area of the report: the unit picked in the filters, or the user's own, through ``resolve_area``.

    ``None`` when the filters do not validate; ``ReportUnitNotFound`` for a user without a unit.
    """
    if fs.is_bound and not fs.is_valid():
        return None
    unit = fs.form.cleaned_data.get("unit") if fs.is_bound else None
    _start, end = fs.period()
    try:
        return resolve_area(
            user=user,
            unit_code=unit.code if unit else "",
            year=end.year,
            edition=unit.edition if unit else None,
        )
    except ReportRequestError as exc:
        # Only the end of a date range can carry a year the report does not cover.
        fs.form.add_error("date_to", str(exc))
        return None


def _count_table(name: str, title: Any, label: Any, rows: list[tuple[Any, dict[str, int]]], columns) -> Table:
    table_rows = [{"value": str(value), **counts} for value, counts in rows]
    total: dict[str, str | int] = {"value": str(TOTAL_LABEL)}
    for column in columns:
        total[column.key] = sum(r.get(column.key) or 0 for _v, r in rows)
    return Table(
        name=name, title=title, columns=[Column("value", label, "text"), *columns], rows=table_rows, total=total
    )


def cases_report(*, user: AnyUser, data: Mapping[str, Any]) -> FilteredReport:
    """Cases open during the period (opened on or before its end, not closed before its start), by
    status, category, sex, ethnicity and age group (age reached in the period's last year, from the
    child's birth year). Counts are cases and distinct children; a case with two categories counts
    under both. Also the overdue cases (``Case.objects.overdue``) by commune.
    """
    fs = _filterset(filters.CaseReportFilter, user=user, data=data)
    if _area(fs, user=user) is None:
        return FilteredReport(fs, [])
    start, end = fs.period()
    qs = fs.qs.open_between(start, end)
    columns = [Column("cases", _("Cases")), Column("children", _("Children"))]
    counts = {"cases": Count("pk", distinct=True), "children": Count("child", distinct=True)}

    def by(field: str, labels: dict[Any, Any]) -> list[tuple[Any, dict[str, int]]]:
        rows = qs.values(field).annotate(**counts).order_by(field)
        return [(labels.get(r[field], r[field] if r[field] not in (None, "") else _("None")), r) for r in rows]

    age = When_(
        *[
            When(child__birth_year__gte=end.year - hi, child__birth_year__lte=end.year - lo, then=Value(i))
            for i, (lo, hi, _l) in enumerate(AGE_GROUPS)
        ],
        output_field=IntegerField(),
    )
    age_rows = qs.annotate(age_group=age).values("age_group").annotate(**counts).order_by("age_group")
    categories = dict(Category.objects.values_list("code", "name"))
    tables = [
        _count_table("status", _("Cases by status"), _("Status"), by("status", dict(Case.Status.choices)), columns),
        _count_table(
            "category",
            _("Cases by category"),
            _("Category"),
            by("circumstances__code", {code: f"{code} {name}" for code, name in categories.items()}),
            columns,
        ),
        _count_table("sex", _("Cases by sex"), _("Sex"), by("child__sex", {"M": _("Male"), "F": _("Female")}), columns),
        _count_table(
            "ethnicity",
            _("Cases by ethnicity"),
            _("Ethnicity"),
            by("child__ethnicity", dict(ETHNICITY_CHOICES)),
            columns,
        ),
        _count_table(
            "age_group",
            _("Cases by age group"),
            _("Age group"),
            [(AGE_GROUPS[r["age_group"]][2] if r["age_group"] is not None else _("Unknown"), r) for r in age_rows],
            columns,
        ),
    ]
    overdue = fs.qs.overdue(now=timezone.now())
    overdue_rows = (
        overdue.values("commune__code", "commune__name").annotate(cases=Count("pk")).order_by("commune__code")
    )
    tables.append(
        _count_table(
            "overdue",
            _("Overdue cases by commune (today)"),
            _("Commune"),
            [(f"{r['commune__code']} {r['commune__name']}", {"cases": r["cases"]}) for r in overdue_rows],
            [Column("cases", _("Cases"))],
        )
    )
    return _suppressed(FilteredReport(fs, tables), user=user)


def models_report(*, user: AnyUser, data: Mapping[str, Any]) -> FilteredReport:
    """Protection models by kind: active on the period's last day, established during the period,
    communes covered (with an active model of that kind) against communes valid in the period
    under the unit, and the coverage. Then active models per unit of the breakdown and kind.
    """
    fs = _filterset(filters.ModelReportFilter, user=user, data=data)
    area = _area(fs, user=user)
    if area is None:
        return FilteredReport(fs, [])
    start, end = fs.period()
    communes_valid = area.units().filter(level=Unit.Level.COMMUNE).count()
    active = active_on(end)
    commune = area.unit_key(ProtectionModel, Unit.Level.COMMUNE)
    rows = (
        fs.qs.values("kind")
        .annotate(
            active=Count("pk", filter=active),
            new=Count("pk", filter=Q(established_on__gte=start, established_on__lte=end)),
            communes=Count(commune, filter=active, distinct=True),
        )
        .order_by("kind")
    )
    kinds = dict(ProtectionModel.Kind.choices)
    table_rows = [
        {
            "value": str(kinds.get(r["kind"], r["kind"])),
            "active": r["active"],
            "new": r["new"],
            "communes": r["communes"],
            "communes_valid": communes_valid,
            "coverage": round(r["communes"] / communes_valid, 4) if communes_valid else None,
        }
        for r in rows
    ]
    by_kind = Table(
        name="kinds",
        title=_("Protection models by kind"),
        columns=[
            Column("value", _("Kind"), "text"),
            Column("active", _("Active at the end of the period")),
            Column("new", _("Established in the period")),
            Column("communes", _("Communes covered")),
            Column("communes_valid", _("Communes")),
            Column("coverage", _("Coverage"), "percent"),
        ],
        rows=table_rows,
    )
    tables = [by_kind]
    level = area.breakdown_level
    if level:
        units = {u.pk: u for u in area.units().filter(level=level).order_by("code")}
        grouped = (
            fs.qs.filter(active)
            .annotate(key=area.unit_key(ProtectionModel, level))
            .values("key", "kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
        per_unit: dict[Any, dict[str, int]] = {}
        for r in grouped:
            per_unit.setdefault(r["key"], {})[r["kind"]] = r["n"]
        kind_columns = [Column(k, label) for k, label in ProtectionModel.Kind.choices]
        rows_out: list[tuple[Any, dict[str, int]]] = [
            (f"{u.code} {u.name}", {k: per_unit.get(pk, {}).get(k, 0) for k in kinds}) for pk, u in units.items()
        ]
        if any(k not in units for k in per_unit):
            above = {k: sum(v.get(k, 0) for key, v in per_unit.items() if key not in units) for k in kinds}
            rows_out.append((_("Recorded at a higher level"), above))
        tables.append(_count_table("units", _("Active protection models by unit"), _("Unit"), rows_out, kind_columns))
    return FilteredReport(fs, tables)


def outreach_report(*, user: AnyUser, data: Mapping[str, Any]) -> FilteredReport:
    """Outreach events dated in the period, by month and venue: events and participants."""
    fs = _filterset(filters.OutreachReportFilter, user=user, data=data)
    if _area(fs, user=user) is None:
        return FilteredReport(fs, [])
    start, end = fs.period()
    rows = (
        fs.qs.filter(date__gte=start, date__lte=end)
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("y", "m", "venue")
        .annotate(events=Count("pk"), participants=Sum("participants_total"))
        .order_by("y", "m")
    )
    venues = OutreachEvent.Venue
    months: dict[tuple[int, int], dict[str, int]] = {}
    for r in rows:
        month = months.setdefault((r["y"], r["m"]), {})
        month[f"{r['venue']}_events"] = r["events"]
        month[f"{r['venue']}_participants"] = r["participants"] or 0
    columns = []
    for value, label in venues.choices:
        columns.append(Column(f"{value}_events", _("%(venue)s: events") % {"venue": label}))
        columns.append(Column(f"{value}_participants", _("%(venue)s: participants") % {"venue": label}))
    table_rows = [
        (f"{m:02d}/{y}", {c.key: counts.get(c.key, 0) for c in columns}) for (y, m), counts in sorted(months.items())
    ]
    return FilteredReport(
        fs, [_count_table("months", _("Outreach by month and venue"), _("Month"), table_rows, columns)]
    )


def survey_report(*, user: AnyUser, data: Mapping[str, Any]) -> FilteredReport:
    """Per commune, the year's survey records (surveyed, special, at risk, as in the annual summary)
    against the commune statistics of the same year."""
    fs = _filterset(filters.SurveyReportFilter, user=user, data=data)
    area = _area(fs, user=user)
    if area is None:
        return FilteredReport(fs, [])
    key = area.unit_key(SurveyRecord, Unit.Level.COMMUNE)
    surveyed = (
        survey_records(user=user, area=area)
        .annotate(key=key)
        .values("key")
        .annotate(
            surveyed=Count("pk"),
            special=Count("pk", filter=Q(has_category=True)),
            at_risk=Count("pk", filter=Q(has_risk=True, has_category=False)),
        )
        .order_by()
    )
    stats = (
        commune_stats(user=user, area=area)
        .annotate(key=area.unit_key(SurveyRecord, Unit.Level.COMMUNE))
        .values("key")
        .annotate(total=Sum("children_total"), stat_special=Sum("special_total"), stat_at_risk=Sum("at_risk_total"))
        .order_by()
    )
    per: dict[Any, dict[str, int]] = {}
    # Plain dicts of the rows: the key goes, the counts stay.
    counted: list[dict[str, Any]] = [dict(r) for r in surveyed] + [dict(s) for s in stats]
    for row in counted:
        per.setdefault(row.pop("key"), {}).update(row)
    names = {u.pk: f"{u.code} {u.name}" for u in Unit.objects.filter(pk__in=[k for k in per if k is not None])}
    columns = [
        Column("surveyed", _("Surveyed")),
        Column("special", _("Special circumstances (survey)")),
        Column("at_risk", _("At risk (survey)")),
        Column("total", _("Children (statistics)")),
        Column("stat_special", _("Special circumstances (statistics)")),
        Column("stat_at_risk", _("At risk (statistics)")),
    ]
    rows = sorted(((names.get(k, _("Recorded at a higher level")), v) for k, v in per.items()), key=lambda r: str(r[0]))
    table = _count_table("communes", _("Survey against commune statistics"), _("Commune"), rows, columns)
    return _suppressed(FilteredReport(fs, [table]), user=user)


REPORTS: dict[str, tuple[Any, Callable[..., FilteredReport]]] = {
    "cases": (_("Cases"), cases_report),
    "models": (_("Protection models and coverage"), models_report),
    "outreach": (_("Outreach"), outreach_report),
    "survey": (_("Survey and commune statistics"), survey_report),
}
