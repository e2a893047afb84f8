"""What every kind of import file shares: its columns, a batch of parsed rows, the context.

A kind (``KindSpec`` subclass) lives in the ``import_kinds`` module of the app that owns its
records, is registered there (``imports.registry.register``), declares its key, its label,
its place in the lists and its columns, and implements two batch methods:

* ``check(rows, ctx)``: resolve codes and match existing records for the whole batch with a
  fixed number of queries, then decide per row: an error, or an action (new / updated /
  unchanged) with what to write;
* ``write(rows, ctx)``: write the valid rows of the batch with bulk statements.

The pipeline (``imports.pipeline``) streams the file, parses cells, calls both and keeps
the counts; it never writes unless every row of the file is valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from imports import cells
from locations.models import REFORM_DATE, ReformTracked, Unit
from locations.resolve import UnitCodebook, UnitNotFound, describe_succession, level_for_code, normalise_code
from locations.succession import Succession, SuccessionMap
from scope.core import is_unrestricted, units_in_scope, units_reached

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from accounts.types import AnyUser

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
# Distinct cell values memoised per column and run before the column counts as unique.
MEMO_LIMIT = 4096
_NEW: Any = object()


@dataclass(frozen=True)
class Column:
    """One column of a kind: its key, its Vietnamese header, whether required, its parser."""

    key: str
    label: str
    required: bool = False
    parse: Callable[[Any], Any] = cells.text
    example: str = ""
    max_length: int | None = None


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass(slots=True)
class Row:
    """One data row: its number in the file, raw cells and parsed values by key."""

    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    action: str = ""
    payload: dict[str, Any] = field(default_factory=dict)

    def error(self, column: str, reason: str, value: Any = None) -> None:
        shown = self.raw.get(column, "") if value is None else value
        self.errors.append(RowError(self.number, column, cells.text(shown)[:200], str(reason)))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Context:
    """State of one import run: the user, their units, keys seen so far.

    The scope rules are those of ``scope.core`` (``ensure_in_scope``), held as id sets so
    that a batch needs no query per row: a row may name a unit the user may pick
    (``units_in_scope``) whose records the user reaches (it or its current unit at or below
    the user's unit, ``units_reached``).
    """

    user: AnyUser | None
    commit: bool
    # None: a superuser, every unit.
    named_unit_ids: set[int] | None
    reached_unit_ids: set[int] | None
    # The uploaded file's name, for the history of the records it changes.
    file_name: str = ""
    seen: dict[int, int] = field(default_factory=dict)
    caches: dict[str, Any] = field(default_factory=dict)
    duplicates: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def for_user(cls, user: AnyUser | None, *, commit: bool, file_name: str = "") -> Context:
        if is_unrestricted(user):
            return cls(user=user, commit=commit, named_unit_ids=None, reached_unit_ids=None, file_name=file_name)
        return cls(
            user=user,
            commit=commit,
            named_unit_ids=set(units_in_scope(user).values_list("pk", flat=True)),
            reached_unit_ids=set(units_reached(user).values_list("pk", flat=True)),
            file_name=file_name,
        )

    def in_scope(self, unit: Unit | None, succession: Succession | None = None) -> bool:
        """Whether a row may record ``unit`` (whose successor is ``succession``)."""
        if unit is None:
            return False
        if self.named_unit_ids is None:
            return True
        current = succession.current if succession else None
        return unit.pk in self.named_unit_ids and self.in_scope_id(unit.pk, current.pk if current else None)

    def in_scope_id(self, unit_id: int | None, current_id: int | None = None) -> bool:
        """Whether an existing record (by its unit ids) is inside the scope."""
        if self.reached_unit_ids is None:
            return True
        return unit_id in self.reached_unit_ids or (current_id is not None and current_id in self.reached_unit_ids)

    def claim(self, key: tuple, row: Row, column: str, what: StrOrPromise) -> bool:
        """Record ``key`` for ``row``; an error if an earlier row of the file had the same key."""
        # A 64-bit hash instead of the key keeps memory flat on a million rows; a collision
        # (about 1 in 10^7 for a million keys) would report a false duplicate, never merge.
        digest = hash(key)
        first = self.seen.get(digest)
        if first is not None and first != row.number:
            row.error(column, _("Same %(what)s as row %(first)s of this file.") % {"what": what, "first": first})
            return False
        self.seen[digest] = row.number
        return True


class KindSpec:
    """Base of the kinds; see the module docstring for the contract."""

    # The stable key, stored on ``ImportJob.kind`` and given to ``import_data``.
    kind: ClassVar[str]
    # The name users choose in the lists (admin, API).
    label: ClassVar[StrOrPromise]
    # Where the kind comes in those lists and in ``import_data``'s: smaller first.
    position: ClassVar[int]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]]

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def parse(self, row: Row, memo: dict[str, dict | None] | None = None) -> None:
        """Parse every cell of ``row`` into ``row.values`` (or ``row.errors``)."""
        self.parse_batch([row], memo)

    def parse_batch(
        self, rows: list[Row], memo: dict[str, dict | None] | None = None, present: Collection[str] | None = None
    ) -> None:
        """Parse every cell of ``rows`` into their ``values`` (or ``errors``), column by column.

        ``memo`` (one per import run) keeps the outcome per column and text cell: survey
        files repeat the same years, codes, dates and villages on thousands of rows. A
        column whose values keep differing (names, references) stops being memoised.
        A column missing from the file (not in ``present``, the header's keys) is parsed
        once for the whole batch.
        """
        for column in self.columns:
            key = column.key
            if present is not None and key not in present:
                value, reason, shown = self._parse_cell(column, None)
                for row in rows:
                    if reason is not None:
                        row.error(key, reason, shown)
                    else:
                        row.values[key] = list(value) if type(value) is list else value
                continue
            cache: dict | None = None
            if memo is not None:
                cache = memo.get(key, _NEW)
                if cache is _NEW:
                    cache = memo[key] = {}
            for row in rows:
                raw = row.raw.get(key)
                # Text cells and empty ones only: 1 and 1.0 of an XLSX cell are equal keys.
                if cache is not None and (raw is None or type(raw) is str):
                    outcome = cache.get(raw)
                    if outcome is None:
                        outcome = self._parse_cell(column, raw)
                        if len(cache) < MEMO_LIMIT:
                            cache[raw] = outcome
                        else:
                            cache = memo[key] = None  # type: ignore[index]
                else:
                    outcome = self._parse_cell(column, raw)
                value, reason, shown = outcome
                if reason is not None:
                    row.error(key, reason, shown)
                else:
                    # A list (codes) is copied: rows must not share a mutable value.
                    row.values[key] = list(value) if type(value) is list else value

    @staticmethod
    def _parse_cell(column: Column, raw: Any) -> tuple[Any, str | None, Any]:
        """(value, None, None) or (None, reason, value shown in the error)."""
        try:
            value = column.parse(raw)
        except cells.CellError as exc:
            return None, str(exc), None
        if column.required and (value is None or value == "" or value == []):
            return None, _("This column is required."), ""
        if column.max_length and isinstance(value, str) and len(value) > column.max_length:
            return None, _("At most %(n)s characters.") % {"n": column.max_length}, None
        return value, None, None

    def check(self, rows: list[Row], ctx: Context) -> None:
        raise NotImplementedError

    def write(self, rows: list[Row], ctx: Context) -> None:
        raise NotImplementedError

    def allowed_codes(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(column, [(code, name)]) lists for the template's sheet of allowed codes."""
        return []

    # Helpers shared by the kinds -------------------------------------------------------

    def resolve_units(
        self,
        rows: Iterable[Row],
        ctx: Context,
        *,
        column: str,
        on: Callable[[Row], dt.date | list[dt.date] | None],
        level: str | None = Unit.Level.COMMUNE,
    ) -> dict[int, Succession]:
        """Resolve ``column`` of every row on the row's date (one query), check scope.

        Sets ``row.payload["unit"]``; returns the succession of every resolved unit.
        """
        rows = [r for r in rows if r.ok and r.values.get(column)]
        book = _RunCodebook(
            ctx.caches.setdefault("successions_said", {}),
            levels=[level] if level else None,
            codes=[r.values[column] for r in rows],
        )
        resolved: list[tuple[Row, Unit]] = []
        # Rows of a batch share a few codes and dates: resolve each pair once.
        outcomes: dict[tuple, Unit | str] = {}
        for row in rows:
            dates = on(row)
            if dates is None:
                continue
            dates = dates if isinstance(dates, list) else [dates]
            key = (row.values[column], *dates)
            outcome = outcomes.get(key)
            if outcome is None:
                outcome = outcomes[key] = self._resolve_on(book, row.values[column], dates, level)
            if isinstance(outcome, str):
                row.error(column, outcome)
                continue
            resolved.append((row, outcome))
        successions = SuccessionMap({u.pk for _r, u in resolved})
        # Per unit once: whether it is in the scope, and its succession.
        verdicts: dict[int, tuple[bool, Succession]] = {}
        for row, unit in resolved:
            verdict = verdicts.get(unit.pk)
            if verdict is None:
                succession = successions.get(unit.pk)
                verdict = verdicts[unit.pk] = (ctx.in_scope(unit, succession), succession)
            if not verdict[0]:
                row.error(column, _("Unit %(code)s is outside your scope.") % {"code": unit.code})
                continue
            row.payload["unit"] = unit
        return {pk: succession for pk, (allowed, succession) in verdicts.items() if allowed}

    @staticmethod
    def _resolve_on(book: UnitCodebook, code: str, dates: list[dt.date], level: str | None) -> Unit | str:
        """The unit of ``code`` valid on the first of ``dates`` that has one, else the reason."""
        first_error: UnitNotFound | None = None
        for date in dates:
            try:
                return book.resolve(normalise_code(code, level), date, level=level)
            except UnitNotFound as exc:
                first_error = first_error or exc
        return str(first_error)


class _RunCodebook(UnitCodebook):
    """A ``UnitCodebook`` that says what a legacy unit became once per import run.

    Saying it (``describe_succession``) is a query; rows of a legacy code dated after the
    reform would otherwise ask it once per distinct date.
    """

    def __init__(self, said: dict[int, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.said = said

    def resolve(self, code: str, on: dt.date, *, level: str | None = None) -> Unit:
        if on >= REFORM_DATE:
            code = normalise_code(code, level)
            key = level or level_for_code(code)
            candidates = self._by_code.get((key, code), []) if key else []
            if candidates and not any(u.is_valid_on(on) for u in candidates):
                legacy = next((u for u in candidates if u.edition == Unit.Edition.LEGACY), None)
                if legacy is not None:
                    if legacy.pk not in self.said:
                        self.said[legacy.pk] = describe_succession(legacy)
                    raise UnitNotFound(self.said[legacy.pk])
        return super().resolve(code, on, level=level)


def scoped_by_key(model: type[ReformTracked], key: str, values: Collection[str], ctx: Context) -> dict[str, Any]:
    """The records of ``model`` whose field ``key`` is one of ``values``, by that value: those inside the scope.

    One query. The scope is that of the recorded unit (``recorded_unit_field``) or its current unit.
    """
    if not values:
        return {}
    unit_id = f"{model.recorded_unit_field}_id"
    found = model._default_manager.filter(**{f"{key}__in": values})
    return {getattr(r, key): r for r in found if ctx.in_scope_id(getattr(r, unit_id), r.current_unit_id)}


def changed(instance: models.Model, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``instance``; whether any of them differed."""
    differs = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            differs = True
    return differs


def keeps_current_unit(*, was: int | None, recorded: int, current: int | None) -> bool:
    """Whether a stored record keeps its current unit, as ``ReformTracked.save()`` decides.

    ``was`` is the recorded unit stored before the row (None for a new record). Only a new
    record, one without a current unit or one recorded on another unit gets it derived
    again: an officer's choice among the successors of a split commune
    (``scope.reform_moves.record_move``) survives a re-import.
    """
    return was is not None and current is not None and was == recorded


def current_unit_fields(succession: Succession) -> dict[str, Any]:
    """The derived current unit of a record written as plain values."""
    current = succession.current
    return {"current_unit_id": current.pk if current else None, "current_unit_to_review": succession.needs_review}


def set_current_unit(instance: ReformTracked, succession: Succession, *, was: int | None) -> None:
    """What ``ReformTracked.save()`` derives, for rows written in bulk (see ``keeps_current_unit``)."""
    recorded = getattr(instance, f"{instance.recorded_unit_field}_id")
    if not keeps_current_unit(was=was, recorded=recorded, current=instance.current_unit_id):
        instance.current_unit = succession.current
        instance.current_unit_to_review = succession.needs_review


def clean_row(row: Row, instance: models.Model, columns: dict[str, str]) -> None:
    """Apply the model's own rules (``instance.clean()``) to the row.

    Each error goes to the file's column of its field (``columns``), else to the whole row.
    Call it only where ``clean()`` needs no query: the related objects it reads already set.
    """
    try:
        instance.clean()
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for name, messages in errors.items():
            for message in messages:
                row.error(columns.get(name, ""), message)
