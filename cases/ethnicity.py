"""The 54 ethnic groups of Vietnam with their official codes (Decision 121-TCTK/PPCĐ).

Input accepts the code, the official name, or a common spelling (accent- and
hyphen-insensitive): "Hmông", "H'Mông", "Mèo" and "08" are all 08.
"""

from __future__ import annotations

from locations.text import fold

ETHNIC_GROUPS: list[tuple[str, str, list[str]]] = [
    ("01", "Kinh", ["viet"]),
    ("02", "Tày", []),
    ("03", "Thái", []),
    ("04", "Hoa", ["han"]),
    ("05", "Khơ-me", ["khmer", "kho me", "khome"]),
    ("06", "Mường", []),
    ("07", "Nùng", []),
    ("08", "Hmông", ["h'mong", "mong", "meo", "hmong"]),
    ("09", "Dao", []),
    ("10", "Gia-rai", ["jrai", "gia rai", "giarai"]),
    ("11", "Ngái", []),
    ("12", "Ê-đê", ["ede", "e de", "rhade"]),
    ("13", "Ba-na", ["bahnar", "ba na", "bana"]),
    ("14", "Xơ-đăng", ["xo dang", "sedang", "xodang"]),
    ("15", "Sán Chay", ["cao lan", "san chi"]),
    ("16", "Cơ-ho", ["co ho", "koho", "coho"]),
    ("17", "Chăm", ["cham"]),
    ("18", "Sán Dìu", []),
    ("19", "Hrê", ["h're", "hre"]),
    ("20", "Mnông", ["m'nong", "mnong"]),
    ("21", "Ra-glai", ["raglai", "ra glai"]),
    ("22", "Xtiêng", ["stieng", "x'tieng"]),
    ("23", "Bru-Vân Kiều", ["bru van kieu", "van kieu", "bru"]),
    ("24", "Thổ", []),
    ("25", "Giáy", []),
    ("26", "Cơ-tu", ["co tu", "katu", "cotu"]),
    ("27", "Gié-Triêng", ["gie trieng", "gie-trieng", "trieng", "gie"]),
    ("28", "Mạ", []),
    ("29", "Khơ-mú", ["kho mu", "khmu", "khomu"]),
    ("30", "Co", ["cor"]),
    ("31", "Tà-ôi", ["ta oi", "taoi", "pa co"]),
    ("32", "Chơ-ro", ["cho ro", "choro"]),
    ("33", "Kháng", []),
    ("34", "Xinh-mun", ["xinh mun", "xinhmun"]),
    ("35", "Hà Nhì", []),
    ("36", "Chu-ru", ["chu ru", "churu"]),
    ("37", "Lào", []),
    ("38", "La Chí", []),
    ("39", "La Ha", []),
    ("40", "Phù Lá", []),
    ("41", "La Hủ", []),
    ("42", "Lự", []),
    ("43", "Lô Lô", []),
    ("44", "Chứt", []),
    ("45", "Mảng", []),
    ("46", "Pà Thẻn", []),
    ("47", "Cơ Lao", []),
    ("48", "Cống", []),
    ("49", "Bố Y", []),
    ("50", "Si La", []),
    ("51", "Pu Péo", []),
    ("52", "Brâu", []),
    ("53", "Ơ-đu", ["o du", "odu"]),
    ("54", "Rơ-măm", ["ro mam", "romam"]),
]

ETHNICITY_CHOICES = [(code, name) for code, name, _aliases in ETHNIC_GROUPS]


def _key(text: str) -> str:
    return fold(text).replace("-", " ").replace("'", "").replace("  ", " ").strip()


_LOOKUP: dict[str, str] = {}
for _code, _name, _aliases in ETHNIC_GROUPS:
    _LOOKUP[_code] = _code
    _LOOKUP[str(int(_code))] = _code
    for _spelling in [_name, *_aliases]:
        _LOOKUP[_key(_spelling)] = _code
        _LOOKUP[_key(_spelling).replace(" ", "")] = _code


def parse_ethnicity(value: str | None) -> str | None:
    """The official code for a code, name or common spelling; ``None`` if unknown."""
    if value is None or not str(value).strip():
        return None
    key = _key(str(value))
    return _LOOKUP.get(key) or _LOOKUP.get(key.replace(" ", ""))
