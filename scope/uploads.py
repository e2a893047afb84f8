"""What users may upload, and the names uploads are stored under.

``validate_document`` is the one rule for every user upload except import files (which the
import pipeline reads and checks itself): a PDF, an Office file or a common image, recognised
by its content (``filetype`` reads the leading bytes), whose extension says the same. A page
or an SVG image holding a script, or a ``photo.jpg`` that is really HTML, is refused: served
from our origin it would run with the session of whoever opens it.

``RandomName`` gives every stored file an unguessable directory, so a path cannot be guessed
from a year, a month and a usual file name.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

# The legacy Office formats (DOC, XLS) are OLE compound files; ``filetype`` recognises only
# some of them by the stream that follows, so the container signature counts for either.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE = "ole"
# The main part of each Office Open XML format, for ZIP files ``filetype`` could not classify.
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
HEAD_BYTES = 8192

# Extension -> the contents (as ``detected_kind`` names them) a file with it may hold.
ACCEPTED: dict[str, set[str]] = {
    "pdf": {"pdf"},
    "doc": {"doc", OLE},
    "xls": {"xls", OLE},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "pptx": {"pptx"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "png": {"png"},
    "gif": {"gif"},
    "webp": {"webp"},
    "heic": {"heic"},
}


def accepted_types_text() -> str:
    return _("Accepted: PDF, Word, Excel, PowerPoint and images (JPG, PNG, GIF, WEBP, HEIC).")


def detected_kind(handle: IO[bytes]) -> str | None:
    """What the file holds, by content: a ``filetype`` extension, ``"ole"``, or ``None``."""
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    guess = filetype.guess(head)
    kind = guess.extension if guess is not None else None
    if kind is None and head.startswith(OLE_SIGNATURE):
        return OLE
    if kind == "zip":
        kind = _office_open_xml_kind(handle) or kind
    return kind


def _office_open_xml_kind(handle: IO[bytes]) -> str | None:
    """``docx``/``xlsx``/``pptx`` when the ZIP is an Office Open XML package, else ``None``."""
    try:
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        handle.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for kind, prefix in OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def validate_document(value: Any) -> None:
    """Refuse an upload that is not a PDF, an Office file or a common image, by content and name.

    Files already stored were checked when they were uploaded; only a new upload is read.
    """
    if not value or getattr(value, "_committed", True):
        return
    name = str(getattr(value, "name", "") or "")
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if not extension:
        raise ValidationError(
            _("A file without an extension is not accepted. %(accepted)s") % {"accepted": accepted_types_text()},
            code="file_type",
        )
    if extension not in ACCEPTED:
        raise ValidationError(
            _("Files of type “.%(extension)s” are not accepted. %(accepted)s")
            % {"extension": extension, "accepted": accepted_types_text()},
            code="file_type",
        )
    if detected_kind(value.file) not in ACCEPTED[extension]:
        raise ValidationError(
            _("The content of “%(name)s” is not a .%(extension)s file, whatever its name says. %(accepted)s")
            % {"name": PurePosixPath(name).name, "extension": extension, "accepted": accepted_types_text()},
            code="file_content",
        )


@deconstructible
class RandomName:
    """``upload_to`` that stores a file as ``<prefix>/<year>/<random>/<its name>``.

    The random directory (a UUID4, 122 random bits) makes the path unguessable; the file
    keeps its own name inside it, so a download is offered under the name it was uploaded with.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance: Any, filename: str, *, now: dt.datetime | None = None) -> str:
        year = (now or timezone.now()).year
        name = get_valid_filename(PurePosixPath(filename.replace("\\", "/")).name) or "file"
        return f"{self.prefix}/{year}/{uuid.uuid4().hex}/{name}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)
