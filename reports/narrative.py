"""The ready-to-edit narrative paragraph of the annual summary, as a provincial summary words it.

Written in English and translated (the Vietnamese catalogue holds the wording officers use);
numbers follow the active language: "16.500 lượt người", "37,8%".
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from .numbers import format_decimal, format_number, format_percent
from .summary import AnnualSummary


def annual_narrative(summary: AnnualSummary) -> str:
    """One paragraph stating the year's figures; parts without data are left out or said plainly."""
    f = summary.figures
    area = summary.area
    place = area.unit.name if area.unit else _("the whole country")
    n = format_number
    sentences = []
    models = _(
        "In %(year)s, %(place)s raised the number of community-based child protection systems to %(total)s "
        "(%(new)s established during the year in %(new_communes)s communes), covering %(communes)s/%(communes_total)s "
        "communes, wards and towns"
    ) % {
        "year": area.year,
        "place": place,
        "total": n(f["cbcp_models_total"]),
        "new": n(f["cbcp_models_new"]),
        "new_communes": n(f["cbcp_communes_new"]),
        "communes": n(f["communes_with_cbcp"]),
        "communes_total": n(f["communes_total"]),
    }
    if f["districts_total"] is not None:
        models += _(" in %(districts)s/%(districts_total)s districts, towns and cities") % {
            "districts": n(f["districts_with_cbcp"]),
            "districts_total": n(f["districts_total"]),
        }
    models += _(
        "; %(community)s child clubs, young collaborator groups and community counselling points were active."
    ) % {"community": n(f["community_models_total"])}
    sentences.append(models)
    if f["children_managed"]:
        sentences.append(
            _(
                "%(managed)s children were under case management, of whom %(success)s closed with the goal "
                "achieved, a success rate of %(rate)s."
            )
            % {
                "managed": n(f["children_managed"]),
                "success": n(f["cases_closed_success"]),
                "rate": format_percent(f["success_rate"]),
            }
        )
    else:
        sentences.append(_("No child was under case management during the year."))
    sentences.append(
        _("%(events)s outreach events reached %(participants)s participants (person-times).")
        % {"events": n(f["outreach_events"]), "participants": n(f["outreach_participants"])}
    )
    if f["daycare_avg_daily_attendance"] is not None:
        sentences.append(
            _("The day-care model for children with disabilities received on average %(avg)s children a day.")
            % {"avg": format_decimal(f["daycare_avg_daily_attendance"])}
        )
    if f["children_surveyed"]:
        sentences.append(
            _(
                "The survey recorded %(surveyed)s children, of whom %(special)s in special circumstances and "
                "%(at_risk)s at risk of falling into special circumstances."
            )
            % {
                "surveyed": n(f["children_surveyed"]),
                "special": n(f["children_special"]),
                "at_risk": n(f["children_at_risk"]),
            }
        )
    return " ".join(sentences)


def agency() -> dict[str, str]:
    """The agency that issues reports, from settings."""
    return {
        "name": settings.AGENCY_NAME,
        "address": settings.AGENCY_ADDRESS,
        "signatory": settings.AGENCY_SIGNATORY,
    }
