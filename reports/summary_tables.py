"""The annual summary as tables: indicators, the breakdown by unit, the months."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from locations.models import Unit

from .summary import BREAKDOWN_LABELS, SUMMARY_KEYS, AnnualSummary
from .tables import TOTAL_LABEL, Column, Table

LABELS = {
    "cbcp_models_new": _("Community-based child protection systems established in the year"),
    "cbcp_communes_new": _("Communes where such a system was established in the year"),
    "cbcp_models_total": _("Community-based child protection systems active on 31/12"),
    "districts_with_cbcp": _("Districts with an active system"),
    "districts_total": _("Districts"),
    "communes_with_cbcp": _("Communes with an active system"),
    "communes_total": _("Communes"),
    "community_models_total": _("Child clubs, young collaborators and counselling points active on 31/12"),
    "children_managed": _("Children under case management"),
    "cases_closed_success": _("Children whose case closed with the goal achieved"),
    "success_rate": _("Success rate"),
    "outreach_events": _("Outreach events"),
    "outreach_participants": _("Outreach participants (person-times)"),
    "daycare_avg_daily_attendance": _("Day-care: average children present per day"),
    "children_surveyed": _("Children surveyed"),
    "children_special": _("Children in special circumstances"),
    "children_at_risk": _("Children at risk"),
}

KINDS = {"success_rate": "percent", "daycare_avg_daily_attendance": "decimal"}

LEVEL_LABELS: dict[str, Any] = {
    Unit.Level.PROVINCE: _("Province"),
    Unit.Level.DISTRICT: _("District"),
    Unit.Level.COMMUNE: _("Commune"),
}


def indicators_table(summary: AnnualSummary) -> Table:
    return Table(
        name="summary",
        title=_("Indicators"),
        columns=[
            Column("key", _("Key"), "text"),
            Column("label", _("Indicator"), "text"),
            Column("value", _("Value"), "row"),
        ],
        rows=[
            {"key": key, "label": str(LABELS[key]), "value": summary.figures[key], "kind": KINDS.get(key, "int")}
            for key in SUMMARY_KEYS
        ],
    )


def breakdown_table(summary: AnnualSummary) -> Table | None:
    level = summary.breakdown_level
    if level is None:
        return None
    columns = [Column("code", _("Code"), "text"), Column("name", LEVEL_LABELS[level], "text")]
    columns += [Column(key, label, KINDS.get(key, "int")) for key, label in BREAKDOWN_LABELS.items()]
    rows = [{"code": row.code, "name": row.name, **row.figures} for row in summary.breakdown]
    total = {"code": "", "name": str(TOTAL_LABEL)}
    total.update({key: summary.figures[key] for key in BREAKDOWN_LABELS})
    return Table(
        name="breakdown",
        title=_("By %(level)s") % {"level": LEVEL_LABELS[level]},
        columns=columns,
        rows=rows,
        total=total,
    )


def months_table(summary: AnnualSummary) -> Table:
    return Table(
        name="months",
        title=_("By month"),
        columns=[
            Column("month", _("Month")),
            Column("outreach_events", BREAKDOWN_LABELS["outreach_events"]),
            Column("outreach_participants", BREAKDOWN_LABELS["outreach_participants"]),
            Column("daycare_avg_daily_attendance", _("Day-care: average present per day"), "decimal"),
        ],
        rows=summary.month_rows(),
        total={
            "month": str(TOTAL_LABEL),
            "outreach_events": summary.figures["outreach_events"],
            "outreach_participants": summary.figures["outreach_participants"],
            "daycare_avg_daily_attendance": summary.figures["daycare_avg_daily_attendance"],
        },
    )


def summary_tables(summary: AnnualSummary) -> list[Table]:
    """The tables of the summary, in the order of the page and of the workbook's sheets."""
    tables = [indicators_table(summary), breakdown_table(summary), months_table(summary)]
    return [t for t in tables if t is not None]


def summary_heading(summary: AnnualSummary) -> list[str]:
    """The lines above every sheet: the agency, the title with the unit and year."""
    from .narrative import agency

    unit = summary.area.unit.name if summary.area.unit else str(_("Whole country"))
    lines = [agency()["name"], str(_("Annual summary %(year)s: %(unit)s") % {"year": summary.area.year, "unit": unit})]
    return [line for line in lines if line]


def summary_filename(summary: AnnualSummary) -> str:
    code = summary.area.unit.code if summary.area.unit else "vn"
    return f"annual-summary-{code}-{summary.area.year}"


def summary_content(summary: AnnualSummary, fmt: str, *, table: str = "summary") -> str | bytes:
    """The summary as ``json``, ``xlsx`` (every table), ``csv`` (the ``table`` named) or ``text``."""
    from .exports import as_json_text, table_csv, tables_xlsx
    from .narrative import annual_narrative

    if fmt == "json":
        return as_json_text(summary.as_json())
    tables = summary_tables(summary)
    if fmt == "xlsx":
        narrative = Table(
            name="narrative",
            title=_("Narrative"),
            columns=[Column("text", _("Narrative"), "text")],
            rows=[{"text": annual_narrative(summary)}],
        )
        return tables_xlsx([*tables, narrative], heading=summary_heading(summary))
    if fmt == "csv":
        by_name = {t.name: t for t in tables}
        if table not in by_name:
            raise ValueError(table)
        return table_csv(by_name[table])
    if fmt == "text":
        lines = [*summary_heading(summary), ""]
        indicators = tables[0]
        value_column = indicators.columns[2]
        for row in indicators.rows:
            lines.append(f"{row['label']}: {value_column.display(row['value'], row['kind'])}")
        return "\n".join([*lines, "", annual_narrative(summary), ""])
    raise ValueError(fmt)
