"""The charts of the annual summary, shared by the page and the official report."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import charts
from .summary import AnnualSummary


def summary_charts(summary: AnnualSummary) -> list[charts.Chart]:
    """Bar chart of models and cases per unit of the breakdown, outreach and day-care per month."""
    months = [f"{m:02d}" for m in range(1, 13)]
    result = []
    if summary.breakdown:
        names = [row.name for row in summary.breakdown]
        result.append(
            charts.bar_chart(
                _("Protection models and children under case management"),
                names,
                [
                    (_("Systems active"), [r.figures["cbcp_models_total"] for r in summary.breakdown]),
                    (_("Other community models"), [r.figures["community_models_total"] for r in summary.breakdown]),
                    (_("Children managed"), [r.figures["children_managed"] for r in summary.breakdown]),
                ],
            )
        )
    result.append(
        charts.line_chart(
            _("Outreach participants per month"),
            months,
            [(_("Participants"), [summary.outreach_by_month[m]["participants"] for m in range(1, 13)])],
        )
    )
    result.append(
        charts.line_chart(
            _("Day-care: average children present per day, by month"),
            months,
            [(_("Children present"), [summary.daycare_by_month[m] for m in range(1, 13)])],
        )
    )
    return result
