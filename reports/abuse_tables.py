"""The abuse report as tables (page, XLSX, CSV) and as an official document's content."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.incidents import AbuseForm, AbuseSetting
from cases.models import Child

from .abuse import AbuseReport
from .charts import Chart, bar_chart
from .summary_tables import LEVEL_LABELS
from .tables import TOTAL_LABEL, Column, Table

TOTAL_LABELS = {
    "children_abused": gettext_lazy("Children abused"),
    "incidents": gettext_lazy("Incidents of abuse"),
    "children_abused_supported": gettext_lazy("Children abused who received a support plan"),
}


def _breakdown(name: str, title: str, key_label: str, counts: dict[str, int], labels: dict[str, str]) -> Table:
    return Table(
        name=name,
        title=title,
        columns=[
            Column("key", _("Key"), "text"),
            Column("label", key_label, "text"),
            Column("children_abused", TOTAL_LABELS["children_abused"]),
        ],
        rows=[{"key": k, "label": labels.get(k, k), "children_abused": n} for k, n in counts.items()],
    )


def abuse_tables(report: AbuseReport) -> list[Table]:
    """The totals, then one table per breakdown (the unit one only where the area has units below)."""
    tables = [
        Table(
            name="summary",
            title=_("Indicators"),
            columns=[
                Column("key", _("Key"), "text"),
                Column("label", _("Indicator"), "text"),
                Column("value", _("Value")),
            ],
            rows=[{"key": k, "label": str(TOTAL_LABELS[k]), "value": v} for k, v in report.totals.items()],
        ),
        _breakdown("by_sex", _("By sex"), _("Sex"), report.by_sex, {k: str(v) for k, v in Child.Sex.choices}),
        _breakdown(
            "by_age_group",
            _("By age at the incident"),
            _("Age group"),
            report.by_age_group,
            {k: _("%(band)s years") % {"band": k} for k in report.by_age_group},
        ),
        _breakdown(
            "by_form",
            _("By form of abuse"),
            _("Form of abuse"),
            report.by_form,
            dict(AbuseForm.objects.values_list("key", "name")),
        ),
        _breakdown(
            "by_setting",
            _("By setting"),
            _("Setting"),
            report.by_setting,
            dict(AbuseSetting.objects.values_list("key", "name")),
        ),
    ]
    level = report.area.breakdown_level
    if level is not None:
        tables.append(
            Table(
                name="by_unit",
                title=_("By %(level)s") % {"level": LEVEL_LABELS[level]},
                columns=[
                    Column("code", _("Code"), "text"),
                    Column("name", LEVEL_LABELS[level], "text"),
                    Column("children_abused", TOTAL_LABELS["children_abused"]),
                ],
                rows=[dict(row) for row in report.by_unit],
                total={"code": "", "name": str(TOTAL_LABEL), "children_abused": report.totals["children_abused"]},
            )
        )
    return tables


def abuse_charts(report: AbuseReport) -> list[Chart]:
    """Children abused by age group, by form and by setting of the abuse.

    A breakdown with a hidden small count (``suppressed_below``) has no chart: a bar would show it.
    """
    forms = dict(AbuseForm.objects.values_list("key", "name"))
    places = dict(AbuseSetting.objects.values_list("key", "name"))
    label = _("Children abused")
    charts = [
        bar_chart(
            _("Children abused by age at the incident"),
            [_("%(band)s years") % {"band": k} for k in report.by_age_group],
            [(label, list(report.by_age_group.values()))],
        ),
        bar_chart(
            _("Children abused by form of abuse"),
            [forms.get(k, k) for k in report.by_form],
            [(label, list(report.by_form.values()))],
        ),
        bar_chart(
            _("Children abused by setting"),
            [places.get(k, k) for k in report.by_setting],
            [(label, list(report.by_setting.values()))],
        ),
    ]
    counts = [report.by_age_group, report.by_form, report.by_setting]
    return [
        chart for chart, values in zip(charts, counts, strict=True) if all(isinstance(v, int) for v in values.values())
    ]


def abuse_heading(report: AbuseReport) -> list[str]:
    from .narrative import agency

    unit = report.area.unit.name if report.area.unit else _("Whole country")
    lines = [agency()["name"], _("Children abused %(year)s: %(unit)s") % {"year": report.area.year, "unit": unit}]
    return [line for line in lines if line]


def abuse_filename(report: AbuseReport) -> str:
    code = report.area.unit.code if report.area.unit else "vn"
    return f"abuse-report-{code}-{report.area.year}"


def abuse_content(report: AbuseReport, fmt: str, *, table: str = "summary") -> str | bytes:
    """The report as ``json``, ``xlsx`` (every table) or ``csv`` (the ``table`` named)."""
    from .exports import as_json_text, table_csv, tables_xlsx

    if fmt == "json":
        return as_json_text(report.as_json())
    tables = abuse_tables(report)
    if fmt == "xlsx":
        return tables_xlsx(tables, heading=abuse_heading(report))
    if fmt == "csv":
        by_name = {t.name: t for t in tables}
        if table not in by_name:
            raise ValueError(table)
        return table_csv(by_name[table])
    raise ValueError(fmt)
