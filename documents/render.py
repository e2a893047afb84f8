"""The one function that turns a ``Document`` into a file: every DOCX and PDF passes through here.

Rendering runs in the request (a form renders in well under a second); a generated document
is a read of the record's personal data, so this is also where that read is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import docx_writer, pdf_writer
from .content import Document

if TYPE_CHECKING:
    from scope.core import AnyScopeUser

WRITERS: dict[str, tuple[Callable[[Document], bytes], str]] = {
    "docx": (docx_writer.write_docx, docx_writer.CONTENT_TYPE),
    "pdf": (pdf_writer.write_pdf, pdf_writer.CONTENT_TYPE),
}
FORMATS = tuple(WRITERS)


class DocumentFormatError(ValueError):
    """A format other than ``docx`` or ``pdf`` (answered with 400)."""


@dataclass(frozen=True)
class RenderedDocument:
    content: bytes
    filename: str
    content_type: str

    def response(self) -> HttpResponse:
        """The file as a download (never shown inline)."""
        response = HttpResponse(self.content, content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        # As for stored files: a browser never sniffs or runs it.
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        return response


def check_format(fmt: Any) -> str:
    """``docx`` or ``pdf``; ``DocumentFormatError`` with a message naming the choices otherwise."""
    value = str(fmt or "").strip().lower()
    if value not in WRITERS:
        raise DocumentFormatError(
            _("“%(value)s” is not a document format: choose %(choices)s.")
            % {"value": fmt or "", "choices": ", ".join(FORMATS)}
        )
    return value


def render_document(document: Document, *, fmt: str, user: AnyScopeUser, record: Any = None) -> RenderedDocument:
    """``document`` as a ``fmt`` file, rendered for ``user`` (who already passed the scope checks).

    ``record`` is the row the document was made from (a case; ``None`` for aggregate reports).
    The access log of personal data reads hooks in here, one call for every surface (admin
    buttons, the API, the command line).
    """
    writer, content_type = WRITERS[check_format(fmt)]
    content = writer(document)
    filename = f"{slugify(document.filename) or 'document'}.{check_format(fmt)}"
    return RenderedDocument(content=content, filename=filename, content_type=content_type)
