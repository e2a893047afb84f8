"""Figures counted per unit a record is filed on, then added up to the units of a report's breakdown.

Grouping records by their breakdown unit (``ReportArea.unit_key``) joins every record to its unit
for the unit's level and stored ancestors: a million survey records, a million lookups, then a
GROUP BY on the result. Counting per filed unit first reads the records alone (a year's survey
records in the order of their year index, with no sort), and the join to the units then meets one
row per unit: a few thousand for the whole country. Counts and sums add up, so the result is the
same; a distinct count of units (communes with a model) is a count of those per-unit rows.

``rolled_up`` runs the one query and returns plain rows; the selectors say what each figure means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from locations.models import Unit

# The name the per-unit queryset gives the unit id it groups on.
UNIT = "report_unit"


def unit_key_sql(level: str | None, quote: Callable[[str], str]) -> tuple[str, list[str]]:
    """SQL and parameters: the ``level`` unit a row of the per-unit query ``g`` falls in, ``u`` being its unit.

    The same rule as ``ReportArea.unit_key``: the unit itself at ``level``, else its stored ancestor
    of that level, NULL above it (and NULL for every row when ``level`` is ``None``).
    """
    unit = f"g.{quote(UNIT)}"
    if level is None:
        return "NULL", []
    if level == Unit.Level.COMMUNE:
        return f"CASE WHEN u.{quote('level')} = %s THEN {unit} END", [level]
    ancestor = quote(next(field.attname for field in Unit._meta.concrete_fields if field.name == level))
    return f"CASE WHEN u.{quote('level')} = %s THEN {unit} ELSE u.{ancestor} END", [level]


def rolled_up(
    per_unit: QuerySet[Any, Any],
    *,
    keys: Mapping[str, str | None],
    sums: Sequence[str],
    group: Sequence[str] = (),
    units_with: Mapping[str, tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Rows of ``per_unit`` added up by the units of ``keys``.

    ``per_unit``: a ``values(report_unit=..., *group).annotate(...)`` queryset, one row per unit a
    record is filed on (and per value of the ``group`` columns). ``keys``: output name → level
    (``unit_key_sql``), e.g. ``{"report_key": "province"}``. ``sums``: per-unit columns added up.
    ``units_with``: output name → (per-unit column, level): how many distinct units of that level
    have a non-zero value there. Every output row holds the keys, the ``group`` columns and these figures.
    """
    units_with = units_with or {}
    connection = connections[per_unit.db]
    quote = connection.ops.quote_name
    try:
        inner, inner_params = per_unit.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # ``none()``: a user who sees nothing
        return []
    select, select_params, grouping, grouping_params = [], [], [], []
    for name, level in keys.items():
        sql, params = unit_key_sql(level, quote)
        select.append(f"{sql} AS {quote(name)}")
        select_params += params
        if level is not None:  # a constant is no GROUP BY term
            grouping.append(sql)
            grouping_params += params
    for name in group:
        select.append(f"g.{quote(name)} AS {quote(name)}")
        grouping.append(f"g.{quote(name)}")
    # SUM of counts is NUMERIC on PostgreSQL: back to an integer, 0 rather than NULL.
    select += [f"CAST(COALESCE(SUM(g.{quote(name)}), 0) AS BIGINT) AS {quote(name)}" for name in sums]
    for name, (column, level) in units_with.items():
        sql, params = unit_key_sql(level, quote)
        select.append(f"COUNT(DISTINCT CASE WHEN g.{quote(column)} > 0 THEN {sql} END) AS {quote(name)}")
        select_params += params
    units, pk = quote(Unit._meta.db_table), quote(Unit._meta.pk.attname)
    sql = f"SELECT {', '.join(select)} FROM ({inner}) g LEFT OUTER JOIN {units} u ON u.{pk} = g.{quote(UNIT)}"
    if grouping:
        sql += f" GROUP BY {', '.join(grouping)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*select_params, *inner_params, *grouping_params])
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
