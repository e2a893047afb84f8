"""The one import pipeline: read → map headers → check every row → (commit) → counts.

Used by the admin, the API and ``import_data`` through ``imports.services``. The file is
streamed in batches of ``BATCH_SIZE`` rows; each batch costs a fixed number of queries
whatever its size. A commit runs in one transaction under a per-kind lock and re-checks
every row inside it, so two imports at once never create duplicates; if any row is invalid
nothing is written.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from locations.text import fold

from .kind import Context, KindSpec, Row, RowError
from .reading import UnusableFile, open_rows
from .registry import get_spec

BATCH_SIZE = 5000
MAX_ERRORS_KEPT = 5000
MAX_DUPLICATES_KEPT = 1000
LOCK_NAMESPACE = 5_260_001  # pg_advisory_xact_lock(namespace, kind) of imports

Progress = Callable[[str, Counter], None]


@dataclass
class Result:
    """What one run found (and did): counts, errors and probable duplicates."""

    kind: str
    counts: Counter = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    unusable: str = ""
    committed: bool = False

    @property
    def valid(self) -> bool:
        return not self.unusable and self.error_count == 0

    def add_errors(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        room = MAX_ERRORS_KEPT - len(self.errors)
        if room > 0:
            self.errors.extend(e.as_dict() for e in errors[:room])

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "valid": self.valid,
            "committed": self.committed,
            "unusable": self.unusable,
            "counts": {k: self.counts.get(k, 0) for k in ("read", "valid", "invalid", "new", "updated", "unchanged")},
            "error_count": self.error_count,
            "errors": self.errors,
            "duplicates": self.duplicates,
        }


class _Rollback(Exception):
    pass


def header_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key of a header cell."""
    return fold(str(text)).replace("_", " ").replace("*", "").replace("(", " ").replace(")", " ").strip()


def map_header(header: list[Any], spec: KindSpec) -> tuple[dict[int, str], list[RowError]]:
    """Column position → key, accepting keys or Vietnamese labels; errors on row 1."""
    lookup: dict[str, str] = {}
    for column in spec.columns:
        lookup[header_key(column.key)] = column.key
        lookup[header_key(column.label)] = column.key
        lookup[header_key(f"{column.label} ({column.key})")] = column.key
    positions: dict[int, str] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        text = "" if cell is None else str(cell)
        if not text.strip():
            continue
        key = lookup.get(header_key(text)) or lookup.get(" ".join(header_key(text).split()))
        if key is None:
            errors.append(RowError(1, text, text, _("Unknown column.")))
        elif key in positions.values():
            errors.append(RowError(1, key, text, _("This column appears twice.")))
        else:
            positions[index] = key
    for column in spec.required:
        if column.key not in positions.values():
            errors.append(RowError(1, column.key, "", _("Required column %(key)s is missing.") % {"key": column.key}))
    return positions, errors


def _batches(rows: Iterator[tuple[int, list[Any]]], positions: dict[int, str]) -> Iterator[list[Row]]:
    indexes, keys = list(positions), list(positions.values())
    needed = max(indexes) + 1
    # One C-level call picks the mapped cells of a full row; short rows take the slow path.
    pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda cells: (cells[indexes[0]],))
    while True:
        chunk = list(islice(rows, BATCH_SIZE))
        if not chunk:
            return
        yield [
            Row(
                number,
                dict(zip(keys, pick(cells), strict=True))
                if len(cells) >= needed
                else {key: cells[i] for i, key in positions.items() if i < len(cells)},
            )
            for number, cells in chunk
        ]


def lock_kind(kind: str) -> None:
    """Serialise commits of one kind. SQLite's IMMEDIATE transactions already serialise writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, zlib.crc32(kind.encode()) >> 1])


def run_import(
    *,
    path: str | Path,
    kind: str,
    user: Any,
    commit: bool,
    name: str = "",
    progress: Progress | None = None,
) -> Result:
    """Check (and with ``commit``, apply) the file at ``path`` as ``kind`` for ``user``.

    Raises ``KeyError`` for an unknown kind; an unreadable file is reported in
    ``Result.unusable``. Callers check the user's permission and scope first (see services).
    """
    spec = get_spec(kind)
    result = Result(kind=kind)
    try:
        source = open_rows(path, name=name or str(path))
    except (UnusableFile, OSError) as exc:
        result.unusable = str(exc)
        return result
    if not any(str(c).strip() for c in source.header if c is not None):
        source.rows.close()
        result.add_errors([RowError(1, "", "", _("The file is empty."))])
        return result
    positions, header_errors = map_header(source.header, spec)
    if header_errors:
        source.rows.close()
        result.add_errors(header_errors)
        return result
    ctx = Context.for_user(user, commit=commit, file_name=Path(name or str(path)).name)
    try:
        if commit:
            with transaction.atomic():
                lock_kind(kind)
                _process(spec, source.rows, positions, ctx, result, progress)
                if not result.valid:
                    raise _Rollback
                result.committed = True
        else:
            _process(spec, source.rows, positions, ctx, result, progress)
    except _Rollback:
        result.committed = False
    except UnusableFile as exc:
        result.unusable = str(exc)
        result.committed = False
    if result.counts["read"] == 0 and not result.unusable and result.error_count == 0:
        result.add_errors([RowError(2, "", "", _("The file has a header but no data rows."))])
    result.duplicates = ctx.duplicates[:MAX_DUPLICATES_KEPT]
    return result


def _process(
    spec: KindSpec,
    rows: Generator[tuple[int, list[Any]], None, None],
    positions: dict[int, str],
    ctx: Context,
    result: Result,
    progress: Progress | None,
) -> None:
    memo: dict[str, dict | None] = {}
    present = set(positions.values())
    try:
        for batch in _batches(rows, positions):
            spec.parse_batch(batch, memo, present)
            spec.check(batch, ctx)
            for row in batch:
                if row.errors:
                    result.counts["invalid"] += 1
                    result.add_errors(row.errors)
                else:
                    result.counts["valid"] += 1
                    result.counts[row.action] += 1
            result.counts["read"] += len(batch)
            # Once a row is invalid nothing will be kept: stop writing, keep checking.
            if ctx.commit and result.error_count == 0:
                spec.write(batch, ctx)
            if progress is not None:
                progress("writing" if ctx.commit else "reading", result.counts)
    finally:
        rows.close()
