"""The annual summary as an official report (DOCX or PDF): heading, narrative, tables, charts.

The page's download buttons and ``annual_report --format docx|pdf`` both call
``annual_report_file``; the report is written in Vietnamese, the language of the paper the
agency signs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.content import Chart, Document, Paragraph, Section, Signature, Table
from documents.render import RenderedDocument, check_format, render_document

from .narrative import annual_narrative
from .summary import AnnualSummary
from .summary_charts import summary_charts
from .summary_tables import summary_filename, summary_tables
from .tables import Table as ReportTable

if TYPE_CHECKING:
    from accounts.types import AnyUser

ROMAN = ["I", "II", "III", "IV", "V", "VI"]


def _table(table: ReportTable) -> Table:
    rows = [[text for _column, text in row] for row in table.display_rows()]
    total = table.display_total()
    if total is not None:
        rows.append([text for _column, text in total])
    return Table(columns=[str(c.label) for c in table.columns], rows=rows)


def _numbered(index: int, title: str) -> str:
    return f"{ROMAN[index]}. {title}"


def annual_report_document(summary: AnnualSummary) -> Document:
    """The official annual report of ``summary``'s unit and year."""
    with translation.override("vi"):
        area = summary.area
        place = area.unit.name if area.unit else _("the whole country")
        tables = summary_tables(summary)
        sections = [Section(title=_numbered(0, _("Summary")), blocks=[Paragraph(annual_narrative(summary))])]
        for number, table in enumerate(tables, start=1):
            # The indicators table's "Key" column is for scripts, not for the paper.
            converted = _table(table)
            if table.name == "summary":
                converted = Table(columns=converted.columns[1:], rows=[row[1:] for row in converted.rows])
            sections.append(Section(title=_numbered(number, str(table.title)), blocks=[converted]))
        charts = [Chart(title=chart.title, png=chart.png()) for chart in summary_charts(summary)]
        sections.append(Section(title=_numbered(len(tables) + 1, _("Charts")), blocks=list(charts)))
        return Document(
            filename=summary_filename(summary),
            title=(_("Report on child protection work in %(year)s") % {"year": area.year}).upper(),
            subtitle=place,
            agency=[line.upper() for line in (settings.AGENCY_PARENT, settings.AGENCY_NAME) if line],
            place=settings.AGENCY_PLACE,
            date=timezone.localdate(),
            sections=sections,
            signatures=[Signature(title=settings.AGENCY_SIGNATORY_TITLE.upper(), name=settings.AGENCY_SIGNATORY)],
        )


def annual_report_file(*, summary: AnnualSummary, fmt: str, user: AnyUser) -> RenderedDocument:
    """The annual report as a ``fmt`` (docx or pdf) file; ``DocumentFormatError`` for another format."""
    fmt = check_format(fmt)
    return render_document(annual_report_document(summary), fmt=fmt, user=user)
