"""A report table: named columns with a kind, rows of plain values, an optional total row.

Every report (the annual summary's tables and the filtered reports) is a list of ``Table``;
the page, XLSX, CSV and JSON are all written from it, so they show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .numbers import format_decimal, format_number, format_percent


@dataclass(frozen=True)
class Column:
    """``kind``: ``text``, ``int``, ``decimal``, ``percent`` (a fraction, shown ×100), or ``row``: the
    row's own ``kind`` (a table of indicators of different kinds)."""

    key: str
    label: Any
    kind: str = "int"

    def kind_for(self, row: dict[str, Any]) -> str:
        return row.get("kind", "int") if self.kind == "row" else self.kind

    def display(self, value: Any, kind: str | None = None) -> str:
        kind = kind or self.kind
        if value is None:
            return "–"
        if isinstance(value, str):
            # A label in a column of numbers, such as the total row's "Total" under the months.
            return value
        if kind == "int":
            return format_number(value)
        if kind == "decimal":
            return format_decimal(value, 2)
        if kind == "percent":
            return format_percent(value)
        return str(value)


@dataclass
class Table:
    name: str
    title: Any
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] | None = None

    def display_rows(self) -> list[list[tuple[Column, str]]]:
        """Rows as (column, text) pairs for templates."""
        return [[(c, c.display(row.get(c.key), c.kind_for(row))) for c in self.columns] for row in self.rows]

    def display_total(self) -> list[tuple[Column, str]] | None:
        if self.total is None:
            return None
        return [(c, c.display(self.total.get(c.key), c.kind_for(self.total))) for c in self.columns]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": str(self.title),
            "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in self.columns],
            "rows": self.rows,
            "total": self.total,
        }


TOTAL_LABEL = _("Total")
