"""Accent-insensitive search keys for Vietnamese text.

``fold("Nguyễn Thị Đào")`` gives ``"nguyen thi dao"``: the key is computed in Python and
stored in an indexed column, so the same search works on SQLite and PostgreSQL without
database extensions.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return ``text`` NFC-normalised with surrounding white space removed."""
    return unicodedata.normalize("NFC", text or "").strip()


def fold(text: str | None) -> str:
    """Lower-case ``text``, drop diacritics (đ → d) and collapse white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip().lower()
