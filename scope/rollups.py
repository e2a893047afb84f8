"""Roll-up tables: counts of a fact table per key (a commune and a year, a model and a day), kept by the database.

A national report that counts a year's survey records reads a million index entries, however
good the index; a roll-up table holds the same counts per key, a few thousand rows. The counts
must stay exact whatever writes the facts: the admin, the services, the imports (``COPY``), the
reform moves (a bulk ``UPDATE``), archiving and restoring, purging, a ``TRUNCATE``. So the database keeps them:
triggers on the fact table, and on the archivable parent whose ``archived_at`` hides the facts
(``live_q``), append the change of each statement as rows of signed counts (a delta per key).
Appending takes no lock on a shared row, so two imports into one commune never wait for each
other; readers add the rows of a key up. ``compact`` folds the deltas into one row per key (the
``rebuild_rollups --compact`` command, run nightly), ``recount`` counts everything again.

A roll-up model declares its scope like the fact model (the same unit columns), so the reports
read it through the one scoping mechanism. It carries no owner: a user who sees only their own
records (``rollups_serve``) is answered from the facts.

The triggers are installed after every ``migrate`` (``install``), named by a fingerprint of their
SQL: a changed definition replaces them and recounts its table, an unchanged one is left alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db import connections, models, transaction

from .core import archive_parents, is_unrestricted

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from .core import AnyScopeUser

_REGISTRY: list[Rollup] = []


@dataclass(frozen=True)
class Rollup:
    """What a roll-up counts.

    ``keys`` and ``sums`` map a column of ``model`` to an SQL expression over a row of ``source``
    written ``{r}``, e.g. ``{"survey_year": "{r}.survey_year"}`` and ``{"special": "CASE WHEN
    {r}.any_category THEN 1 ELSE 0 END"}``. A source row counts while no archivable parent of it
    is archived (``scope.core.archive_parents``, the rule ``live_q`` applies to every queryset).
    A key may read a parent, written ``{parent_table}`` (the parent's table name in braces), with
    the parent's columns it reads in ``reads``: a change of one of them moves the parent's rows.
    """

    model: type[models.Model]
    source: type[models.Model]
    keys: Mapping[str, str]
    sums: Mapping[str, str]
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def name(self) -> str:
        return f"rollup_{self.table}"

    def parents(self) -> list[tuple[str, str]]:
        """(parent table, column of the source row that points at it) of each archivable parent."""
        found = []
        for name in archive_parents(self.source):
            # ``archive_parents`` names concrete foreign keys, whose related model is resolved.
            link = cast("models.ForeignKey[Any]", self.source._meta.get_field(name))
            found.append((link.related_model._meta.db_table, link.column))
        return found

    def watched(self, parent: str) -> tuple[str, ...]:
        """The columns of ``parent`` whose change moves its rows in or out of (or across) the counts."""
        return ("archived_at", *self.reads.get(parent, ()))

    def refs(self, given: Mapping[str, str] | None = None) -> dict[str, str]:
        """What ``{parent_table}`` stands for: the table itself, unless ``given`` (a transition table)."""
        return {table: given.get(table, f'"{table}"') if given else f'"{table}"' for table, _column in self.parents()}

    def live(self, r: str, refs: Mapping[str, str]) -> str:
        """SQL: the source row ``r`` counts (none of its parents is archived)."""
        terms = [
            f'NOT EXISTS (SELECT 1 FROM {refs[table]} p WHERE p."id" = {r}."{column}" AND p."archived_at" IS NOT NULL)'
            for table, column in self.parents()
        ]
        return " AND ".join(terms) or "1 = 1"

    def columns(self) -> str:
        return ", ".join(f'"{c}"' for c in [*self.keys, *self.sums])

    def keys_of(self, r: str, refs: Mapping[str, str]) -> list[str]:
        return [expr.format(r=r, **refs) for expr in self.keys.values()]

    def sums_of(self, r: str, refs: Mapping[str, str], sign: str = "") -> list[str]:
        return [f"{sign}({expr.format(r=r, **refs)})" for expr in self.sums.values()]

    def grouped(self, rows_sql: str) -> str:
        """INSERT of the keys and summed counts of ``rows_sql`` (columns k0.., s0..), dropping keys that net to zero."""
        ks = [f"k{i}" for i in range(len(self.keys))]
        ss = [f"s{i}" for i in range(len(self.sums))]
        having = " OR ".join(f"SUM({s}) <> 0" for s in ss)
        return (
            f'INSERT INTO "{self.table}" ({self.columns()}) '
            f"SELECT {', '.join(ks)}, {', '.join(f'SUM({s})' for s in ss)} FROM ({rows_sql}) d "
            f"GROUP BY {', '.join(ks)} HAVING {having}"
        )

    def rows(
        self, r: str, table: str, *, sign: str = "", where: str = "", refs: Mapping[str, str] | None = None
    ) -> str:
        """SELECT of the keys (k0..) and signed counts (s0..) of the live rows ``r`` of ``table``,
        the parents read from ``refs`` (default: their tables)."""
        refs = refs if refs is not None else self.refs()
        ks = [f"{e} AS k{i}" for i, e in enumerate(self.keys_of(r, refs))]
        ss = [f"{e} AS s{i}" for i, e in enumerate(self.sums_of(r, refs, sign))]
        condition = " AND ".join(filter(None, [self.live(r, refs), where]))
        return f'SELECT {", ".join([*ks, *ss])} FROM "{table}" {r} WHERE {condition}'


def counted_reference(to: type[models.Model] | str, verbose_name: Any, *, null: bool = False) -> models.ForeignKey[Any]:
    """A roll-up key naming a unit or a model: no constraint and no cascade, for a row is a number,
    not a record (a purged model's deltas may still name it until they are folded)."""
    return models.ForeignKey(
        to, on_delete=models.DO_NOTHING, db_constraint=False, null=null, related_name="+", verbose_name=verbose_name
    )


def register(rollup: Rollup) -> Rollup:
    """Declare a roll-up (from its app's models module); ``install`` keeps its triggers."""
    if all(existing.model is not rollup.model for existing in _REGISTRY):
        _REGISTRY.append(rollup)
    return rollup


def registered() -> list[Rollup]:
    return list(_REGISTRY)


def rollups_serve(user: AnyScopeUser | None, using: str = "default") -> bool:
    """Whether the roll-ups can answer for ``user``: the database keeps them (PostgreSQL, SQLite), and
    they have units, not owners (a collaborator sees only their own records: counted from the facts)."""
    if connections[using].vendor not in _BUILDERS:
        return False
    return is_unrestricted(user) or not getattr(user, "sees_only_own_records", False)


# ---- the triggers ---------------------------------------------------------------------------


def _postgresql(rollup: Rollup, name: str) -> list[str]:
    source = rollup.source._meta.db_table
    delta = f"{name}_delta"
    added = rollup.grouped(rollup.rows("r", "new_rows"))
    removed = rollup.grouped(rollup.rows("r", "old_rows", sign="-"))
    changed = rollup.grouped(f"{rollup.rows('r', 'new_rows')} UNION ALL {rollup.rows('r', 'old_rows', sign='-')}")
    statements = [
        f"CREATE FUNCTION {delta}() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {added}; ELSIF TG_OP = 'DELETE' THEN {removed}; ELSE {changed}; END IF; "
        "RETURN NULL; END $body$",
        # One event per trigger: PostgreSQL keeps transition tables only for single-event triggers.
        f'CREATE TRIGGER {name}_ins AFTER INSERT ON "{source}" REFERENCING NEW TABLE AS new_rows '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {delta}()",
        f'CREATE TRIGGER {name}_upd AFTER UPDATE ON "{source}" REFERENCING OLD TABLE AS old_rows '
        f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {delta}()",
        f'CREATE TRIGGER {name}_del AFTER DELETE ON "{source}" REFERENCING OLD TABLE AS old_rows '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {delta}()",
        # TRUNCATE fires no delete trigger: an emptied table empties its roll-up (also through CASCADE).
        f"CREATE FUNCTION {name}_emptied() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN "
        f'DELETE FROM "{rollup.table}"; RETURN NULL; END $body$',
        f'CREATE TRIGGER {name}_emptied AFTER TRUNCATE ON "{source}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}_emptied()",
    ]
    for index, (parent, column) in enumerate(rollup.parents()):
        function = f"{name}_parent{index}"
        differs = " OR ".join(f'o."{c}" IS DISTINCT FROM n."{c}"' for c in rollup.watched(parent))
        moved = f'r."{column}" IN (SELECT n."id" FROM new_rows n JOIN old_rows o ON o."id" = n."id" WHERE {differs})'
        # The parent's rows as counted before the statement (its old row) out, as counted now in.
        after = rollup.rows("r", source, where=moved, refs=rollup.refs({parent: "new_rows"}))
        before = rollup.rows("r", source, sign="-", where=moved, refs=rollup.refs({parent: "old_rows"}))
        statements += [
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN "
            f"{rollup.grouped(f'{after} UNION ALL {before}')}; RETURN NULL; END $body$",
            f'CREATE TRIGGER {function} AFTER UPDATE ON "{parent}" REFERENCING OLD TABLE AS old_rows '
            f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    return statements


def _sqlite(rollup: Rollup, name: str) -> list[str]:
    source = rollup.source._meta.db_table
    table, columns = rollup.table, rollup.columns()
    tables = rollup.refs()

    def insert(r: str, sign: str = "") -> str:
        values = ", ".join([*rollup.keys_of(r, tables), *rollup.sums_of(r, tables, sign)])
        return f'INSERT INTO "{table}" ({columns}) SELECT {values} WHERE {rollup.live(r, tables)};'

    differs = " OR ".join(
        f"({old}) IS NOT ({new})"
        for old, new in zip(
            [*rollup.keys_of("OLD", tables), *rollup.sums_of("OLD", tables)],
            [*rollup.keys_of("NEW", tables), *rollup.sums_of("NEW", tables)],
            strict=True,
        )
    )
    statements = [
        f'CREATE TRIGGER {name}_ins AFTER INSERT ON "{source}" BEGIN {insert("NEW")} END',
        f'CREATE TRIGGER {name}_del AFTER DELETE ON "{source}" BEGIN {insert("OLD", "-")} END',
        f'CREATE TRIGGER {name}_upd AFTER UPDATE ON "{source}" WHEN {differs} '
        f"BEGIN {insert('OLD', '-')} {insert('NEW')} END",
    ]

    def moved(parent: str, column: str, row: str, sign: str = "") -> str:
        """The rows of ``parent`` as counted with its old (``row`` OLD) or new (NEW) row."""
        # The parent's row as a one-row table the keys and the liveness can read.
        as_table = "(SELECT " + ", ".join(f'{row}."{c}" AS "{c}"' for c in ("id", *rollup.watched(parent))) + ")"
        refs = rollup.refs({parent: as_table})
        values = ", ".join([*rollup.keys_of("r", refs), *rollup.sums_of("r", refs, sign)])
        return (
            f'INSERT INTO "{table}" ({columns}) SELECT {values} FROM "{source}" r '
            f'WHERE r."{column}" = {row}."id" AND {rollup.live("r", refs)};'
        )

    for index, (parent, column) in enumerate(rollup.parents()):
        watched = rollup.watched(parent)
        changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in watched)
        statements.append(
            f"CREATE TRIGGER {name}_parent{index} AFTER UPDATE OF {', '.join(f'"{c}"' for c in watched)} "
            f'ON "{parent}" WHEN {changed} BEGIN {moved(parent, column, "OLD", "-")} {moved(parent, column, "NEW")} END'
        )
    return statements


_BUILDERS = {"postgresql": _postgresql, "sqlite": _sqlite}


def _fingerprinted(rollup: Rollup, vendor: str) -> tuple[str, list[str]]:
    """The trigger name prefix (with a fingerprint of the SQL) and the statements that create them."""
    draft = "\n".join(_BUILDERS[vendor](rollup, rollup.name))
    name = f"{rollup.name}_{hashlib.sha256(draft.encode()).hexdigest()[:8]}"
    return name, _BUILDERS[vendor](rollup, name)


def _installed(connection: BaseDatabaseWrapper, rollup: Rollup) -> set[str]:
    """Names of the roll-up's triggers (PostgreSQL: and functions) now in the database."""
    like = f"{rollup.name}_%"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT proname FROM pg_proc WHERE proname LIKE %s "
                "UNION SELECT tgname FROM pg_trigger WHERE tgname LIKE %s",
                [like, like],
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [like])
        return {row[0] for row in cursor.fetchall()}


def install(using: str = "default") -> list[str]:
    """Create (or replace) the triggers of every roll-up whose definition changed, and recount those.

    Returns the tables recounted. A database other than PostgreSQL and SQLite gets no triggers
    and the reports count from the facts there.
    """
    connection = connections[using]
    if connection.vendor not in _BUILDERS:
        return []
    recounted = []
    for rollup in registered():
        name, statements = _fingerprinted(rollup, connection.vendor)
        present = _installed(connection, rollup)
        if f"{name}_ins" in present:
            continue
        with transaction.atomic(using=using), connection.cursor() as cursor:
            for old in sorted(present):
                if connection.vendor == "postgresql":
                    # The functions go with their triggers (CASCADE).
                    cursor.execute(f"DROP FUNCTION IF EXISTS {old}() CASCADE")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {old}")
            for statement in statements:
                cursor.execute(statement)
            _recount(cursor, rollup, connection.vendor)
        recounted.append(rollup.table)
    return recounted


def is_kept(rollup: Rollup, using: str = "default") -> bool:
    """Whether the database keeps ``rollup`` (its current triggers are installed)."""
    connection = connections[using]
    if connection.vendor not in _BUILDERS:
        return False
    name, _statements = _fingerprinted(rollup, connection.vendor)
    return f"{name}_ins" in _installed(connection, rollup)


# ---- recount and compaction -----------------------------------------------------------------


def _recount(cursor: Any, rollup: Rollup, vendor: str) -> None:
    source = rollup.source._meta.db_table
    if vendor == "postgresql":
        # No write to the facts (or an archive of a parent) between the count and its rows.
        tables = [source, *(parent for parent, _column in rollup.parents())]
        cursor.execute(f"LOCK TABLE {', '.join(f'"{t}"' for t in tables)} IN SHARE MODE")
    cursor.execute(f'DELETE FROM "{rollup.table}"')
    cursor.execute(rollup.grouped(rollup.rows("r", source)))


def recount(using: str = "default") -> dict[str, int]:
    """Count every roll-up again from its facts; rows per table."""
    connection = connections[using]
    result = {}
    for rollup in registered():
        with transaction.atomic(using=using), connection.cursor() as cursor:
            _recount(cursor, rollup, connection.vendor)
            cursor.execute(f'SELECT COUNT(*) FROM "{rollup.table}"')
            result[rollup.table] = cursor.fetchone()[0]
    return result


def compact(using: str = "default") -> dict[str, tuple[int, int]]:
    """Fold every roll-up's deltas into one row per key; (rows before, rows after) per table.

    On PostgreSQL one statement deletes the rows it sees and inserts their sums: a delta that a
    running import has not committed yet is not seen, so it is neither deleted nor counted twice.
    """
    connection = connections[using]
    result = {}
    for rollup in registered():
        table = rollup.table
        keys, sums = list(rollup.keys), list(rollup.sums)
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            before = cursor.fetchone()[0]
            moved = ", ".join(f'"{c}" AS k{i}' for i, c in enumerate(keys))
            moved += ", " + ", ".join(f'"{c}" AS s{i}' for i, c in enumerate(sums))
            if connection.vendor == "postgresql":
                cursor.execute(
                    f'WITH moved AS (DELETE FROM "{table}" RETURNING {moved}) ' + rollup.grouped("SELECT * FROM moved")
                )
            else:
                # SQLite has one writer at a time: the transaction sees every row.
                cursor.execute(f'SELECT MAX("id") FROM "{table}"')
                last = cursor.fetchone()[0] or 0
                cursor.execute(rollup.grouped(f'SELECT {moved} FROM "{table}" WHERE "id" <= {int(last)}'))
                cursor.execute(f'DELETE FROM "{table}" WHERE "id" <= %s', [last])
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            result[table] = (before, cursor.fetchone()[0])
    return result
