"""Numbers as a Vietnamese report prints them: 16.500 lượt, 37,8%, 1,5 trẻ.

The separators are the active language's formats (``config/formats``): "." for thousands and ","
for decimals in Vietnamese, the other way round in English.
"""

from __future__ import annotations

from django.utils.formats import get_format, number_format


def format_number(value: int | float | None, decimals: int = 0) -> str:
    """``16500`` → ``"16.500"``, ``1.5`` with one decimal → ``"1,5"`` (in Vietnamese); ``None`` → ``"–"``."""
    if value is None:
        return "–"
    # number_format cuts the digits beyond ``decimals``; a report rounds them.
    return str(number_format(round(value, decimals), decimals, force_grouping=True))


def format_percent(fraction: float | None, decimals: int = 1) -> str:
    """``0.378`` → ``"37,8%"``; ``None`` → ``"–"``."""
    if fraction is None:
        return "–"
    return f"{format_number(fraction * 100, decimals)}%"


def format_decimal(value: float | None, decimals: int = 1) -> str:
    """A decimal without trailing zeros: ``1.0`` → ``"1"``, ``1.26`` → ``"1,3"``."""
    if value is None:
        return "–"
    text = format_number(value, decimals)
    decimal = get_format("DECIMAL_SEPARATOR")
    return text.rstrip("0").rstrip(decimal) if decimal in text else text
