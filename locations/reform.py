"""Records across the 2025 reform: set-based derivation of current units, and moves.

``derive_current_units`` sets ``current_unit`` on every record of every ``ReformTracked``
model with one ``UPDATE … FROM`` per table, joined to a temporary table of successors
built once from ``locations.succession.successor_table``. It only touches rows whose
current unit is missing or is not a successor of their recorded unit, so running it again
changes nothing and an officer's move to another successor is kept.

``record_move`` / ``records_move`` are the services behind the admin's "move to another
successor" action: the target must be a successor of the record's recorded unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.utils.translation import gettext as _

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


# --- moving records to another successor ------------------------------------------------


class NotASuccessor(ValidationError):
    """The target unit is not a successor of the record's recorded unit."""


def _recorded_unit(record: ReformTracked) -> Unit:
    return getattr(record, record.recorded_unit_field)


def record_move(*, record: ReformTracked, to: Unit, user: Any) -> ReformTracked:
    """Attach ``record`` to ``to``, another successor of its recorded (legacy) unit.

    Clears the review flag. Refuses a target that is not a successor, and (through
    ``ensure_in_scope``) a record or target outside the user's scope.
    """
    return records_move(records=[record], to=to, user=user)[0]


@transaction.atomic
def records_move(*, records: Iterable[ReformTracked], to: Unit, user: Any) -> list[ReformTracked]:
    """Move several records (of any ``ReformTracked`` models) to the successor ``to``.

    All or nothing: one refused record refuses the whole move.
    """
    from accounts.scope import ensure_in_scope, not_found_message, units_in_scope

    records = list(records)
    if not units_in_scope(user).filter(pk=to.pk).exists():
        raise ValidationError({"to": not_found_message(Unit)})
    table = successor_table({_recorded_unit(r).pk for r in records})
    refused = [r for r in records if to.pk not in table.get(_recorded_unit(r).pk, [])]
    if refused:
        names = ", ".join(sorted({str(_recorded_unit(r)) for r in refused}))
        raise NotASuccessor(
            _("%(unit)s is not a successor of %(legacy)s; a record can only move to a unit its commune became.")
            % {"unit": str(to), "legacy": names}
        )
    for record in records:
        model = type(record)
        # The row may have changed since the list was shown; re-read it inside the transaction.
        fresh = model._default_manager.select_for_update().get(pk=record.pk)
        ensure_in_scope(fresh, user)
        fresh.current_unit = to
        fresh.current_unit_to_review = False
        fresh.full_clean(exclude=_fields_except(model, ["current_unit"]), validate_constraints=False)
        ensure_in_scope(fresh, user)
        model._base_manager.filter(pk=fresh.pk).update(current_unit=to, current_unit_to_review=False)
        record.current_unit, record.current_unit_to_review = to, False
    return records


def _fields_except(model: type[models.Model], keep: list[str]) -> list[str]:
    return [f.name for f in model._meta.fields if f.name not in keep]
