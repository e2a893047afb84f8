"""PDF from the HTML template ``documents/official.html`` with WeasyPrint (needs pango on the system)."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from .content import Chart, Document

CONTENT_TYPE = "application/pdf"


def write_pdf(document: Document) -> bytes:
    # Imported here: WeasyPrint loads pango on import, which only rendering needs.
    from weasyprint import HTML

    charts = {
        id(block): "data:image/png;base64," + base64.b64encode(block.png).decode("ascii")
        for section in document.sections
        for block in section.blocks
        if isinstance(block, Chart)
    }
    sections = [
        {
            "title": section.title,
            "blocks": [{"block": block, "src": charts.get(id(block), "")} for block in section.blocks],
        }
        for section in document.sections
    ]
    # Longer than any line: the template clips the dots at the right margin.
    dots = "." * 160
    html = render_to_string("documents/official.html", {"document": document, "sections": sections, "dots": dots})
    return HTML(string=html).write_pdf()
