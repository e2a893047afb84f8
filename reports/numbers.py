"""Numbers as a Vietnamese report prints them: 16.500 lượt, 37,8%, 1,5 trẻ."""

from __future__ import annotations

from django.utils.translation import get_language

# Vietnamese groups thousands with "." and writes decimals with ","; English the other way round.
SEPARATORS = {"vi": (".", ","), "en": (",", ".")}


def _separators() -> tuple[str, str]:
    language = (get_language() or "vi").split("-")[0]
    return SEPARATORS.get(language, SEPARATORS["vi"])


def format_number(value: int | float | None, decimals: int = 0) -> str:
    """``16500`` → ``"16.500"``, ``1.5`` with one decimal → ``"1,5"`` (in Vietnamese); ``None`` → ``"–"``."""
    if value is None:
        return "–"
    thousands, decimal = _separators()
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def format_percent(fraction: float | None, decimals: int = 1) -> str:
    """``0.378`` → ``"37,8%"``; ``None`` → ``"–"``."""
    if fraction is None:
        return "–"
    return f"{format_number(fraction * 100, decimals)}%"


def format_decimal(value: float | None, decimals: int = 1) -> str:
    """A decimal without trailing zeros: ``1.0`` → ``"1"``, ``1.25`` → ``"1,3"``."""
    if value is None:
        return "–"
    text = format_number(value, decimals)
    _thousands, decimal = _separators()
    return text.rstrip("0").rstrip(decimal) if decimal in text else text
