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
    """Return ``text`` NFC-normalised, without format characters and surrounding white space.

    Format characters (Unicode category Cf: zero-width spaces U+200B, bidi overrides
    U+202E, soft hyphens) are invisible: a name holding one looks right but is never found
    by a search, and a bidi override shows it reversed. Vietnamese text never needs them.
    The one text cleaner of the system: imports, unit loaders and ``NameField`` use it.
    """
    text = unicodedata.normalize("NFC", text or "")
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.strip()


# The combining marks of Latin script (U+0300–U+036F: every Vietnamese tone and vowel mark),
# dropped in one C-level pass; rarer marks of other scripts go through the general rule.
_LATIN_MARKS = {cp: None for cp in range(0x300, 0x370) if unicodedata.combining(chr(cp))}


def fold(text: str | None) -> str:
    """Lower-case ``text``, drop diacritics (đ → d) and collapse white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = decomposed.translate(_LATIN_MARKS)
    if not bare.isascii():
        bare = "".join(ch for ch in bare if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip().lower()
