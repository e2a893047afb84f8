"""DOCX from ``document_templates/official.docx`` with docxtpl; the body is a python-docx sub-document.

The result is an ordinary editable Word document (styles, tables, pictures; no text boxes or
fields), which Word and LibreOffice open alike.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate

from .content import Chart, Document, Field, Paragraph, Signature, Table

TEMPLATE = Path(__file__).parent / "document_templates" / "official.docx"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A4 less the left (3 cm) and right (2 cm) margins of the template.
TEXT_WIDTH = Cm(16)
NO_SIGNATURE = Signature(title="", name="", hint="")


def write_docx(document: Document) -> bytes:
    template = DocxTemplate(str(TEMPLATE))
    body = template.new_subdoc()
    for section in document.sections:
        if section.title:
            title = body.add_paragraph()
            title.paragraph_format.space_before = Pt(6)
            title.add_run(section.title).bold = True
        for block in section.blocks:
            _add_block(body, block)
    signatures = list(document.signatures)
    left, right = ([NO_SIGNATURE, *signatures] if len(signatures) < 2 else signatures)[:2]
    context: dict[str, Any] = {
        "agency": document.agency,
        "number_line": f"Số: {document.number}" if document.number else "",
        "place_date": document.place_date,
        "form_label": document.form_label,
        "title": document.title,
        "subtitle": document.subtitle,
        "body": body,
        "left": _signature(left),
        "right": _signature(right),
    }
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def _signature(signature: Signature) -> dict[str, str]:
    if not signature.title:
        return {"title": "", "hint": "", "name": ""}
    return {"title": signature.title, "hint": signature.hint, "name": signature.name or "." * 30}


def _dotted(paragraph: Any, text: str) -> None:
    """``text`` then a dotted leader to the right margin: a blank Word keeps on one line as it is edited."""
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    paragraph.add_run(f"{text}\t")


def _add_block(body: Any, block: Any) -> None:
    if isinstance(block, Field):
        if block.shown:
            body.add_paragraph(f"{block.label}: {block.shown}")
        else:
            _dotted(body.add_paragraph(), f"{block.label}: ")
            for _line in block.blanks[1:]:
                _dotted(body.add_paragraph(), "")
    elif isinstance(block, Paragraph):
        paragraph = body.add_paragraph(block.text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
    elif isinstance(block, Table):
        if block.title:
            body.add_paragraph().add_run(block.title).italic = True
        table = body.add_table(rows=1, cols=len(block.columns))
        table.style = "Table Grid"
        # Tables of many columns (a breakdown by unit) in a smaller size, to stay on the page.
        size = Pt(8) if len(block.columns) > 8 else Pt(11)
        for cell, label in zip(table.rows[0].cells, block.columns, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(label)
            run.bold = True
            run.font.size = size
        for row in block.rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(value).font.size = size
        body.add_paragraph()
    elif isinstance(block, Chart):
        body.add_picture(io.BytesIO(block.png), width=Cm(15.5))
        caption = body.add_paragraph(block.title)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        raise TypeError(f"unknown block {type(block).__name__}")
