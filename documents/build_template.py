"""Build ``document_templates/official.docx``, the DOCX template of every official document.

Run ``python -m documents.build_template`` after changing the layout below and commit the
result: the template is a file of the repository, built reproducibly from this script.
It holds the page (A4, margins of Decree 30/2020), the fonts, the national heading, the title,
the place and date and the signature blocks as ``docxtpl`` (Jinja) tags; the body is inserted
as a sub-document built from the ``Document``'s sections (see ``documents.docx_writer``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATE = Path(__file__).parent / "document_templates" / "official.docx"
FONT = "Times New Roman"


def _style(paragraph, text: str, *, bold: bool = False, italic: bool = False, align=None, size=None):
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
    return paragraph


def _paragraph(container, text: str = "", **style):
    return _style(container.add_paragraph(), text, **style)


def _fill(cell, lines: list[tuple[str, dict]]) -> list:
    """Write ``lines`` into a table cell, the first into the empty paragraph every new cell has."""
    paragraphs = [_style(cell.paragraphs[0], *lines[0][:1], **lines[0][1])]
    paragraphs += [_paragraph(cell, text, **style) for text, style in lines[1:]]
    return paragraphs


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def build(path: Path = TEMPLATE) -> Path:
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    # Word reads the East Asian font slot for some Vietnamese letters: set it too.
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(3)

    center = WD_ALIGN_PARAGRAPH.CENTER
    heading = doc.add_table(rows=1, cols=2)
    heading.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(heading)
    left, right = heading.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    _fill(
        left,
        [
            ("{%p for line in agency %}", {"align": center}),
            ("{{ line }}", {"bold": True, "align": center, "size": 12}),
            ("{%p endfor %}", {"align": center}),
            ("{{ number_line }}", {"align": center, "size": 12}),
        ],
    )
    right_lines = _fill(
        right,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True, "align": center, "size": 12}),
            ("Độc lập - Tự do - Hạnh phúc", {"bold": True, "align": center}),
            ("", {}),
            ("{{ place_date }}", {"italic": True, "align": center}),
        ],
    )
    right_lines[1].runs[0].underline = True

    _paragraph(doc, "{{ form_label }}", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "")
    _paragraph(doc, "{{ title }}", bold=True, align=center, size=14)
    _paragraph(doc, "{{ subtitle }}", italic=True, align=center)
    _paragraph(doc, "")
    doc.add_paragraph("{{p body }}")
    _paragraph(doc, "")

    signatures = doc.add_table(rows=1, cols=2)
    _no_borders(signatures)
    for cell, side in zip(signatures.rows[0].cells, ("left", "right"), strict=True):
        _fill(
            cell,
            [
                (f"{{{{ {side}.title }}}}", {"bold": True, "align": center}),
                (f"{{{{ {side}.hint }}}}", {"italic": True, "align": center, "size": 11}),
                ("", {}),
                ("", {}),
                ("", {}),
                (f"{{{{ {side}.name }}}}", {"bold": True, "align": center}),
            ],
        )

    path.parent.mkdir(parents=True, exist_ok=True)
    # Fixed metadata, so that building twice gives the same template.
    fixed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    props = doc.core_properties
    props.author = props.last_modified_by = ""
    props.title = "Official document"
    props.created = props.modified = fixed
    props.revision = 1
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
