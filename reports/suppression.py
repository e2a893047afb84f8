"""Small-cell suppression of the filtered and abuse reports for aggregate-only roles (viewers).

A viewer of one ward must not single a child out from a count of 1 by category, sex or age.
``REPORT_MIN_CELL`` (default 5; 0 turns it off) is the smallest count shown to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

from accounts.roles import AGGREGATE_ONLY_ROLES

from .tables import Table

if TYPE_CHECKING:
    from accounts.types import AnyUser


def min_cell(user: AnyUser) -> int:
    """The smallest count ``user`` may see; 0 (no suppression) for every role but the aggregate-only ones."""
    if getattr(user, "is_superuser", False) or getattr(user, "role", None) not in AGGREGATE_ONLY_ROLES:
        return 0
    return int(getattr(settings, "REPORT_MIN_CELL", 5))


def suppress_small_cells(table: Table, minimum: int) -> bool:
    """Replace, in place, the counts between 1 and ``minimum - 1`` by ``"<minimum>"``; True if any was.

    The rule, per count column (the rows of these tables add up, column by column, to the
    total row; cells of one row are not sums of each other):

    1. every count from 1 to ``minimum - 1`` is hidden (primary suppression; zeros stay);
    2. if a column then hides exactly one cell, the total minus the visible cells would give
       it back, so the smallest other non-zero cell of the column is hidden too; when there
       is none, the column's total is hidden instead (secondary suppression).

    Two hidden cells of a column tell only their sum, never either count.
    """
    if minimum <= 1:
        return False
    mark = f"<{minimum}"
    changed = False
    for column in table.columns:
        if column.kind != "int":
            continue
        key = column.key
        hidden = [row for row in table.rows if _small(row.get(key), minimum)]
        for row in hidden:
            row[key] = mark
        if len(hidden) == 1:
            others = [row for row in table.rows if isinstance(row.get(key), int) and row[key] > 0]
            if others:
                min(others, key=lambda row: row[key])[key] = mark
            elif table.total is not None and isinstance(table.total.get(key), int):
                table.total[key] = mark
        if table.total is not None and _small(table.total.get(key), minimum):
            table.total[key] = mark
            changed = True
        changed = changed or bool(hidden)
    return changed


def hide_small(value: Any, minimum: int) -> Any:
    """``value``, or ``"<minimum>"`` when it is a count from 1 to ``minimum - 1`` (primary suppression only).

    For counts that do not add up to a shown total (a child counts once in each form of abuse it
    suffered), where no other cell gives a hidden one back.
    """
    return f"<{minimum}" if minimum > 1 and _small(value, minimum) else value


def _small(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < minimum
