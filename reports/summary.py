"""The annual summary (docs/contract/reports.md): the figures of every indicator family for one area and year.

``annual_summary(user=, area=)`` is what the admin page, the API and the CLI all call, so the
three give the same numbers. ``AnnualSummary.as_json()`` has the stable keys of docs/contract/reports.md plus
``breakdown`` and ``months`` for the tables and charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from locations.models import Unit

from . import selectors
from .area import ReportArea, unit_json

if TYPE_CHECKING:
    from accounts.types import AnyUser

# The keys of docs/contract/reports.md, in the order reports show them.
SUMMARY_KEYS = [
    "cbcp_models_new",
    "cbcp_communes_new",
    "cbcp_models_total",
    "districts_with_cbcp",
    "districts_total",
    "communes_with_cbcp",
    "communes_total",
    "community_models_total",
    "children_managed",
    "cases_closed_success",
    "success_rate",
    "outreach_events",
    "outreach_participants",
    "daycare_avg_daily_attendance",
    "children_surveyed",
    "children_special",
    "children_at_risk",
]

# The figures of each breakdown row, in the order tables show them, with their column labels.
BREAKDOWN_LABELS = {
    "communes_total": gettext_lazy("Communes"),
    "communes_with_cbcp": gettext_lazy("Communes with a system"),
    "cbcp_models_total": gettext_lazy("Systems active"),
    "cbcp_models_new": gettext_lazy("Systems new"),
    "community_models_total": gettext_lazy("Other community models"),
    "children_managed": gettext_lazy("Children managed"),
    "cases_closed_success": gettext_lazy("Successful closures"),
    "success_rate": gettext_lazy("Success rate"),
    "outreach_events": gettext_lazy("Outreach events"),
    "outreach_participants": gettext_lazy("Participants"),
    "children_surveyed": gettext_lazy("Surveyed"),
    "children_special": gettext_lazy("Special circumstances"),
    "children_at_risk": gettext_lazy("At risk"),
}


@dataclass
class BreakdownRow:
    """One unit of the breakdown (``unit`` is ``None`` for records above the breakdown level)."""

    unit: Unit | None
    figures: dict[str, Any]

    @property
    def code(self) -> str:
        return self.unit.code if self.unit else ""

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else str(_("Recorded at a higher level"))


@dataclass
class AnnualSummary:
    area: ReportArea
    figures: dict[str, Any]
    breakdown: list[BreakdownRow] = field(default_factory=list)
    outreach_by_month: dict[int, dict[str, int]] = field(default_factory=dict)
    daycare_by_month: dict[int, float | None] = field(default_factory=dict)

    @property
    def breakdown_level(self) -> str | None:
        return self.area.breakdown_level

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"unit": unit_json(self.area.unit), "year": self.area.year}
        data.update({key: self.figures[key] for key in SUMMARY_KEYS})
        data["breakdown_level"] = self.breakdown_level
        data["breakdown"] = [
            {"unit": unit_json(row.unit) if row.unit else None, **{k: row.figures[k] for k in BREAKDOWN_LABELS}}
            for row in self.breakdown
        ]
        data["months"] = self.month_rows()
        return data

    def month_rows(self) -> list[dict[str, Any]]:
        """Outreach and day-care figures of months 1–12."""
        return [
            {
                "month": month,
                "outreach_events": self.outreach_by_month[month]["events"],
                "outreach_participants": self.outreach_by_month[month]["participants"],
                "daycare_avg_daily_attendance": self.daycare_by_month[month],
            }
            for month in range(1, 13)
        ]


def annual_summary(*, user: AnyUser, area: ReportArea) -> AnnualSummary:
    """Every indicator (docs/contract/reports.md) for ``area``, as ``user`` sees it, in a fixed number of queries."""
    units = selectors.unit_counts(user=user, area=area)
    models = selectors.model_figures(user=user, area=area)
    cases = selectors.case_figures(user=user, area=area)
    outreach = selectors.outreach_figures(user=user, area=area)
    daycare = selectors.daycare_figures(user=user, area=area)
    survey = selectors.survey_figures(user=user, area=area)

    figures: dict[str, Any] = {}
    for family in (units, models, cases, outreach, daycare, survey):
        figures.update({k: v for k, v in family.total.items() if k != "by_month"})
    figures["success_rate"] = selectors.success_rate(figures["cases_closed_success"], figures["children_managed"])

    breakdown = []
    if area.breakdown_level:
        rows_units = {u.pk: u for u in area.units().filter(level=area.breakdown_level).order_by("code")}
        keys: list[int | None] = list(rows_units)
        extra = {k for family in (models, cases, outreach, survey) for k in family.by_unit if k not in rows_units}
        # Records of a unit outside the list (above the breakdown level) go on one last row.
        if extra:
            keys.append(None)
        for key in keys:
            row: dict[str, Any] = {k: 0 for k in BREAKDOWN_LABELS}
            sources = [units, models, cases, outreach, survey]
            for family in sources:
                found = [family.by_unit.get(k, {}) for k in ([key] if key is not None else extra)]
                for values in found:
                    for name, value in values.items():
                        if name in row and value is not None:
                            row[name] += value
            row["success_rate"] = selectors.success_rate(row["cases_closed_success"], row["children_managed"])
            breakdown.append(BreakdownRow(unit=rows_units.get(key) if key is not None else None, figures=row))
    return AnnualSummary(
        area=area,
        figures=figures,
        breakdown=breakdown,
        outreach_by_month=outreach.total["by_month"],
        daycare_by_month=daycare.total["by_month"],
    )
