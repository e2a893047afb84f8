"""Insert many new rows fast: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

``COPY`` skips the SQL compilation and parameter handling of an ``INSERT`` with thousands
of values, which was most of an import's write time. Primary keys are taken from the
table's sequence first (one query), so the caller gets them back as with ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

# Values psycopg adapts as they are; anything else goes through the field's conversion.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def bulk_update_fields(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of existing ``objs`` in one statement per call.

    Django's ``bulk_update`` builds a ``CASE WHEN`` per field and row, which costs seconds
    per thousand rows. PostgreSQL: ``COPY`` into a temporary table, then one
    ``UPDATE … FROM``. Elsewhere: ``INSERT … ON CONFLICT (pk) DO UPDATE`` (``objs`` must
    carry every required field, as instances built from a full row do).
    """
    if not objs:
        return
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            objs, update_conflicts=True, unique_fields=[meta.pk.name], update_fields=[f.name for f in targets]
        )
        return
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    temp = quote(f"import_update_{meta.db_table}")
    columns = [meta.pk, *targets]
    names = ", ".join(quote(f.column) for f in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {temp} AS SELECT {names} FROM {table} WITH NO DATA")
        try:
            with cursor.copy(f"COPY {temp} ({names}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns])
            assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in targets)
            pk = quote(meta.pk.column)
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {temp} AS s WHERE t.{pk} = s.{pk}")
        finally:
            cursor.execute(f"DROP TABLE {temp}")


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
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_default()
    quote = connection.ops.quote_name
    attnames = [f.attname for f in fields]
    converters = [None if isinstance(f, _PLAIN) or type(f) is models.DateField else f for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(quote(c) for c in [meta.pk.column, *(f.column for f in fields)])
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = [pk]
                for attname, convert in zip(attnames, converters, strict=True):
                    value = row.get(attname, defaults[attname])
                    values.append(value if convert is None else convert.get_db_prep_save(value, connection))
                copy.write_row(values)
    return ids
