"""Records across the 2025 reform: set-based derivation of current units, and moves.

``derive_current_units`` sets ``current_unit`` on every record of every ``ReformTracked``
model with one ``UPDATE … FROM`` per table, joined to a temporary table of successors
built once from ``locations.succession.successor_table``. It only touches rows whose
current unit is missing or is not a successor of their recorded unit, so running it again
changes nothing and an officer's move to another successor is kept.

The derivation cannot tell a record decided while its commune had one successor from one
an officer reviewed after the split, so the loaders that add conversion entries call
``flag_grown_splits`` for the units whose successors they extend: their records are
flagged again, whatever their current unit.

Moving one record to another successor is a scoped write: ``scope.reform_moves``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.db import connections, router, transaction

from .models import ReformTracked, Unit
from .succession import successor_table

TEMP_TABLE = "reform_successor"


@dataclass(frozen=True)
class TrackedTable:
    """One table to derive: its model (real or historical) and the recorded unit's field."""

    model: Any
    recorded_unit_field: str

    @property
    def label(self) -> str:
        return self.model._meta.label


def reform_tracked_tables() -> list[TrackedTable]:
    """Every concrete ``ReformTracked`` model of the project."""
    return [
        TrackedTable(model, model.recorded_unit_field)
        for model in global_apps.get_models()
        if issubclass(model, ReformTracked) and not model._meta.proxy
    ]


def derive_current_units(
    *,
    tables: Sequence[TrackedTable] | None = None,
    unit_model: Any = Unit,
    conversion_model: Any = None,
    only_missing: bool = False,
    using: str | None = None,
) -> dict[str, int]:
    """Derive ``current_unit`` for existing records, one ``UPDATE`` per table.

    ``tables`` defaults to every ``ReformTracked`` model. ``only_missing`` limits the work
    to rows without a current unit (after a bulk insert that bypassed ``save()``). Returns
    the number of rows changed per model label; a second run returns zeros.
    Data migrations pass historical models (see ``derive_in_migration``).
    """
    tables = list(tables) if tables is not None else reform_tracked_tables()
    if conversion_model is None:
        from .models import UnitConversion

        conversion_model = UnitConversion
    using = using or router.db_for_write(unit_model)
    changed = {table.label: 0 for table in tables}
    if not tables or not unit_model._base_manager.using(using).exists():
        return changed
    successors = successor_table(unit_model=unit_model, conversion_model=conversion_model)
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _fill_successor_table(cursor, connection, successors)
        try:
            for table in tables:
                cursor.execute(_update_sql(connection, table, only_missing=only_missing))
                changed[table.label] = max(cursor.rowcount, 0)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLE}")
    return changed


def _fill_successor_table(cursor: Any, connection: Any, successors: dict[int, list[int]]) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLE}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {TEMP_TABLE} ("
        " unit_id integer NOT NULL, current_id integer NOT NULL, is_default boolean NOT NULL,"
        " successors integer NOT NULL, PRIMARY KEY (unit_id, current_id))"
    )
    rows = [
        (unit_id, current_id, rank == 0, len(ids))
        for unit_id, ids in successors.items()
        for rank, current_id in enumerate(ids)
    ]
    param = "%s"
    for start in range(0, len(rows), 2000):
        cursor.executemany(
            f"INSERT INTO {TEMP_TABLE} (unit_id, current_id, is_default, successors) "
            f"VALUES ({param}, {param}, {param}, {param})",
            rows[start : start + 2000],
        )
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {TEMP_TABLE}")


def _update_sql(connection: Any, table: TrackedTable, *, only_missing: bool) -> str:
    """One set-based UPDATE for one table; see the module docstring for the rule.

    The new values are computed in a joined subquery (hash joins on PostgreSQL) rather
    than with correlated subqueries per row; the outer UPDATE joins it back on the key.
    """
    qn = connection.ops.quote_name
    meta = table.model._meta
    name = qn(meta.db_table)
    pk = qn(meta.pk.column)
    unit_col = qn(meta.get_field(table.recorded_unit_field).column)
    current_col = qn(meta.get_field("current_unit").column)
    review_col = qn(meta.get_field("current_unit_to_review").column)
    # ``k`` is the row's current unit when it is one of the successors of its recorded unit: kept.
    wanted = (
        f"r.{current_col} IS NULL" if only_missing else f"k.current_id IS NULL OR (s.successors = 1 AND r.{review_col})"
    )
    return (
        f"UPDATE {name} SET {current_col} = x.new_current, {review_col} = x.new_review "
        f"FROM (SELECT r.{pk} AS row_id, "
        f"CASE WHEN k.current_id IS NULL THEN s.current_id ELSE r.{current_col} END AS new_current, "
        f"(s.successors > 1 AND (r.{review_col} OR k.current_id IS NULL)) AS new_review "
        f"FROM {name} r "
        f"JOIN {TEMP_TABLE} s ON s.unit_id = r.{unit_col} AND s.is_default "
        f"LEFT JOIN {TEMP_TABLE} k ON k.unit_id = r.{unit_col} AND k.current_id = r.{current_col} "
        f"WHERE {wanted}) x "
        f"WHERE {name}.{pk} = x.row_id"
    )


def derive_in_migration(apps: Any, schema_editor: Any, specs: Iterable[tuple[str, str, str]]) -> None:
    """Derive current units from a data migration, on historical models.

    ``specs`` lists ``(app_label, model_name, recorded_unit_field)``; migrations name them
    explicitly because historical models do not carry ``recorded_unit_field``.
    """
    tables = [TrackedTable(apps.get_model(app, name), field) for app, name, field in specs]
    derive_current_units(
        tables=tables,
        unit_model=apps.get_model("locations", "Unit"),
        conversion_model=apps.get_model("locations", "UnitConversion"),
        using=schema_editor.connection.alias,
    )


# --- communes split after their records were derived -------------------------------------


def successions_of_communes(commune_ids: Iterable[int]) -> dict[int, list[int]]:
    """Successors of legacy communes and of their district and province, before links are added.

    Pass the result to ``flag_grown_splits`` once the links are saved. A district or a
    province is included because its successors are the current provinces its communes went to.
    """
    ids = set(commune_ids)
    if not ids:
        return {}
    for district_id, province_id in Unit._base_manager.filter(pk__in=ids).values_list("district_id", "province_id"):
        ids.update(pk for pk in (district_id, province_id) if pk is not None)
    return successor_table(ids)


def flag_grown_splits(before: dict[int, list[int]]) -> dict[str, int]:
    """Flag for review the records of units that gained a successor since ``before``.

    ``before`` comes from ``successions_of_communes``. Records of a unit that had no
    successor are left to ``derive_current_units``; the others keep their current unit.
    Returns the number of records flagged per model label.
    """
    after = successor_table(before) if before else {}
    grown = [pk for pk, ids in after.items() if len(ids) > 1 and set(ids) - set(before[pk])]
    if not grown:
        return {}
    return {
        table.label: table.model._base_manager.filter(
            **{f"{table.recorded_unit_field}__in": grown}, current_unit_to_review=False
        ).update(current_unit_to_review=True)
        for table in reform_tracked_tables()
    }
