"""Insert many new rows fast: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

``COPY`` skips the SQL compilation and parameter handling of an ``INSERT`` with thousands
of values, which was most of an import's write time. Primary keys are taken from the
table's sequence first (one query), so the caller gets them back as with ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, ForeignObjectRel, Lookup, Q

# Values psycopg adapts as they are; anything else goes through the field's conversion.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


class _EqualsAny(Lookup):
    """``column = ANY(%s)`` with the values as one array parameter (PostgreSQL)."""

    lookup_name = "equals_any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if values and all(type(v) is int for v in values):
            # Ids as one array literal: psycopg would inspect every element of a list.
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, "{" + ",".join(map(str, values)) + "}")
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


def any_of(field: str, values: Collection) -> Q | Lookup:
    """A filter on ``field`` being one of ``values``, for thousands of values.

    On PostgreSQL one array parameter replaces an ``IN`` list of thousands of placeholders,
    whose quoting and parsing cost more than the query itself; elsewhere an ``__in`` filter.
    """
    if connection.vendor == "postgresql":
        return _EqualsAny(F(field), list(values))
    return Q(**{f"{field}__in": values})


@contextmanager
def without_bitmap_scans() -> Iterator[None]:
    """Run the block's queries with plain index scans only (PostgreSQL).

    For ``name_folded = ANY(thousands of names)`` PostgreSQL may choose the trigram GIN
    index (made for searching inside names, and usable for equality) over the b-tree: it
    costs it below the b-tree's thousands of probes, but every common syllable of a name
    matches most of the table, and one batch then takes minutes instead of milliseconds.
    A GIN index can only be read with a bitmap scan, so turning those off for the block
    leaves the b-tree. The setting is local to a savepoint's block: restored after it,
    undone with it on an error.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_bitmapscan'), set_config('enable_bitmapscan', 'off', true)")
        before = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [before])


def bulk_update_values(model: type[models.Model], rows: Sequence[dict], fields: Sequence[str]) -> None:
    """Write ``fields`` of existing rows given as ``{attname: value}`` dicts with their pk.

    Django's ``bulk_update`` builds a ``CASE WHEN`` per field and row, which costs seconds
    per thousand rows. PostgreSQL: ``COPY`` into a temporary table, then one
    ``UPDATE … FROM``, without a model instance. Elsewhere: ``INSERT … ON CONFLICT (pk) DO
    UPDATE`` of instances built from the dicts (which must then carry every required field,
    as a dict read from a full row does).
    """
    if not rows:
        return
    meta = model._meta
    targets = [_stored(meta.get_field(name)) for name in fields]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**row) for row in rows],
            update_conflicts=True,
            unique_fields=[meta.pk.name],
            update_fields=[f.name for f in targets],
        )
        return
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    temp = quote(f"import_update_{meta.db_table}")
    columns = [meta.pk, *targets]
    names = ", ".join(quote(_column(f)) for f in columns)
    attnames = [f.attname for f in columns]
    converted = [(i, f) for i, f in enumerate(columns) if not _is_plain(f)]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {temp} AS SELECT {names} FROM {table} WITH NO DATA")
        try:
            with cursor.copy(f"COPY {temp} ({names}) FROM STDIN") as copy:
                # Rows share values such as the time of the update: the same object is converted once.
                last: dict[int, tuple[Any, Any]] = {}
                for row in rows:
                    values = list(map(row.__getitem__, attnames))
                    for i, field in converted:
                        value = values[i]
                        before = last.get(i)
                        if before is None or before[0] is not value:
                            before = last[i] = (value, field.get_db_prep_save(value, connection))
                        values[i] = before[1]
                    copy.write_row(values)
            assignments = ", ".join(f"{quote(_column(f))} = s.{quote(_column(f))}" for f in targets)
            pk = quote(_column(meta.pk))
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {temp} AS s WHERE t.{pk} = s.{pk}")
        finally:
            cursor.execute(f"DROP TABLE {temp}")


def _stored(field: models.Field | ForeignObjectRel) -> models.Field:
    """``field`` as a field of this model's table: a reverse relation is stored on the other one."""
    if not isinstance(field, models.Field):
        raise TypeError(f"{field} is not stored in this model's table")
    return field


def _column(field: models.Field) -> str:
    """The field's column; many-to-many and generic relations have none to write."""
    if field.column is None:
        raise TypeError(f"{field} has no column of its own")
    return field.column


def _is_plain(field: models.Field) -> bool:
    """Whether psycopg adapts the field's Python values as they are (no conversion)."""
    return isinstance(field, _PLAIN) or type(field) is models.DateField


def bulk_insert_values(model: type[models.Model], rows: Sequence[dict]) -> list[int]:
    """Insert rows given as ``{attname: value}`` dicts; returns their new primary keys.

    Fields a row leaves out get their default (``auto_now``/``auto_now_add``: now). On
    PostgreSQL no model instance is built at all (``COPY``); elsewhere ``bulk_create``.
    """
    if not rows:
        return []
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs)
        return [obj.pk for obj in objs]
    from django.utils import timezone

    now = timezone.now()
    attnames = [f.attname for f in fields]
    # Defaults are converted once; a row's own value only when the field needs it.
    defaults = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        else:
            default = f.get_default()
        defaults.append(default if _is_plain(f) else f.get_db_prep_save(default, connection))
    converted = [(i, f.attname, f) for i, f in enumerate(fields, start=1) if not _is_plain(f)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # The sequence is looked up once, not once per key (a tenth of the time).
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq)"
            " SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
            [meta.db_table, _column(meta.pk), len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(quote(_column(f)) for f in [meta.pk, *fields])
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = [pk, *map(row.get, attnames, defaults)]
                for i, attname, field in converted:
                    if attname in row:
                        values[i] = field.get_db_prep_save(row[attname], connection)
                copy.write_row(values)
    return ids
