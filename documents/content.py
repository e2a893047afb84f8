"""What an official document says, independent of its file format.

A record app builds a ``Document`` from a record; ``documents.render`` writes it as DOCX or
PDF from the templates in this package. Values are plain text already formatted for the
reader; an empty value is printed as a dotted line to fill in by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .dates import DOTS, place_and_date, vietnamese_date

# The national heading (quốc hiệu and tiêu ngữ) of every official document; fixed by law.
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Field:
    """A labelled value; ``lines`` dotted lines when the value is empty."""

    label: str
    value: str = ""
    lines: int = 1

    @property
    def kind(self) -> str:
        return "field"

    @property
    def shown(self) -> str:
        return self.value.strip() if self.value and self.value.strip() else ""

    @property
    def blanks(self) -> list[str]:
        """The dotted lines printed in place of an empty value."""
        return [] if self.shown else [DOTS] * max(self.lines, 1)


@dataclass(frozen=True)
class Paragraph:
    text: str

    @property
    def kind(self) -> str:
        return "paragraph"


@dataclass(frozen=True)
class Table:
    """A table with a header row; every cell is text."""

    columns: list[str]
    rows: list[list[str]]
    title: str = ""

    @property
    def kind(self) -> str:
        return "table"


@dataclass(frozen=True)
class Chart:
    """A chart drawn beforehand as a PNG image (both formats embed the same picture)."""

    title: str
    png: bytes

    @property
    def kind(self) -> str:
        return "chart"


Block = Field | Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Signature:
    """A signature block: the position in capitals, the hint, the name (dotted when unknown)."""

    title: str
    name: str = ""
    hint: str = "(Ký, ghi rõ họ tên)"


@dataclass(frozen=True)
class Document:
    """One official paper: heading, title, sections, signatures.

    ``agency`` holds the lines of the issuing body at the top left (the governing body above
    the agency first); ``form_label`` is the form's name at the top right ("Mẫu số 01").
    """

    filename: str
    title: str
    agency: list[str]
    place: str
    date: dt.date | None
    sections: list[Section]
    signatures: list[Signature]
    subtitle: str = ""
    form_label: str = ""
    number: str = ""

    national_name: str = NATIONAL_NAME
    national_motto: str = NATIONAL_MOTTO

    @property
    def place_date(self) -> str:
        return place_and_date(self.place, self.date)

    @property
    def date_text(self) -> str:
        return vietnamese_date(self.date)
