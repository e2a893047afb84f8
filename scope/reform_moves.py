"""Moving records to another successor of their legacy unit: the admin's review of the 2025 reform.

``record_move`` / ``records_move`` are the services behind the "move to another successor" action
(``locations.admin_review``): the target must be a successor of the record's recorded unit, and
record and target must be in the user's scope. The set-based derivation of current units is
``locations.reform``; this is its one-record, user-checked counterpart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from locations.models import ReformTracked, Unit
from locations.succession import successor_table

from .core import ensure_in_scope, not_found_message, units_in_scope


class NotASuccessor(ValidationError):
    """The target unit is not a successor of the record's recorded unit."""


def record_move(*, record: ReformTracked, to: Unit, user: Any) -> ReformTracked:
    """Attach ``record`` to ``to``, another successor of its recorded (legacy) unit.

    Clears the review flag. Refuses a target that is not a successor, and (through
    ``ensure_in_scope``) a record or target outside the user's scope.
    """
    return records_move(records=[record], to=to, user=user)[0]


@transaction.atomic
def records_move(*, records: Iterable[ReformTracked], to: Unit, user: Any) -> list[ReformTracked]:
    """Move several records (of any ``ReformTracked`` models) to the successor ``to``.

    All or nothing: one refused record refuses the whole move. The queries do not grow
    with the number of records, except those ``ensure_in_scope`` makes per record for a
    user who is not a superuser.
    """
    records = list(records)
    if not units_in_scope(user).filter(pk=to.pk).exists():
        raise ValidationError({"to": not_found_message(Unit)})
    by_model: dict[type[ReformTracked], list[ReformTracked]] = defaultdict(list)
    for record in records:
        by_model[type(record)].append(record)
    fresh_by_model: dict[type[ReformTracked], list[ReformTracked]] = {}
    for model, group in by_model.items():
        # The rows may have changed since the list was shown: lock and re-read them. ``of``
        # keeps the lock off the joined units, which every other writer reads.
        fresh = list(
            model._default_manager.select_for_update(of=("self",))
            .select_related(model.recorded_unit_field, "current_unit")
            .filter(pk__in=[r.pk for r in group])
        )
        if len(fresh) != len({r.pk for r in group}):
            raise ValidationError(not_found_message(model))
        for row in fresh:
            # Checked before the move: with ``to`` as its current unit the record would be in scope anyway.
            ensure_in_scope(row, user)
        fresh_by_model[model] = fresh
    rows = [row for fresh in fresh_by_model.values() for row in fresh]
    table = successor_table({getattr(row, f"{row.recorded_unit_field}_id") for row in rows})
    refused = [row for row in rows if to.pk not in table.get(getattr(row, f"{row.recorded_unit_field}_id"), [])]
    if refused:
        names = ", ".join(sorted({str(getattr(row, row.recorded_unit_field)) for row in refused}))
        raise NotASuccessor(
            _("%(unit)s is not a successor of %(legacy)s; a record can only move to a unit its commune became.")
            % {"unit": str(to), "legacy": names}
        )
    for model, fresh in fresh_by_model.items():
        model._base_manager.filter(pk__in=[row.pk for row in fresh]).update(
            current_unit=to, current_unit_to_review=False
        )
    for record in records:
        record.current_unit, record.current_unit_to_review = to, False
    return records
