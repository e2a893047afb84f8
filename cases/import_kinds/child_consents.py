"""The optional ``consent_*`` columns of the children import: one consent per row.

The rules are those of the consent service (``cases.consent_services``): ``Consent.clean``
for the row's own values (once per combination of values) and ``open_key`` against the
child's open consents, read for a whole batch in one query. A row repeating a consent already recorded (same party,
purpose and date) adds nothing, so importing a file twice records each consent once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.birth import birth_fields
from cases.consent import OPEN_CONSENT_TAKEN, Consent, open_key
from cases.models import ChangeRecord, Child
from imports import cells
from imports.bulk import any_of, bulk_insert_values
from imports.kind import UNCHANGED, UPDATED, Column, Row

COLUMNS = [
    Column("consent_party", "Người đồng ý", False, lambda v: cells.parse_choice(v, dict(Consent.Party.choices)), ""),
    Column(
        "consent_purpose", "Mục đích đồng ý", False, lambda v: cells.parse_choice(v, dict(Consent.Purpose.choices)), ""
    ),
    Column("consent_given_on", "Ngày đồng ý", False, cells.parse_date, ""),
    Column("consent_withdrawn_on", "Ngày rút lại đồng ý", False, cells.parse_date, ""),
]
KEYS = [c.key for c in COLUMNS]
# ``Consent`` field → column of the file, to place the model's errors.
FIELD_COLUMNS = {
    "party": "consent_party",
    "purpose": "consent_purpose",
    "given_on": "consent_given_on",
    "withdrawn_on": "consent_withdrawn_on",
}
REQUIRED = ("consent_party", "consent_purpose", "consent_given_on")


def allowed_codes() -> list[tuple[str, list[tuple[str, str]]]]:
    """The template's lists of allowed values (keys, or the labels in the user's language)."""
    return [
        ("consent_party", [(key, str(label)) for key, label in Consent.Party.choices]),
        ("consent_purpose", [(key, str(label)) for key, label in Consent.Purpose.choices]),
    ]


@dataclass(frozen=True, slots=True)
class RowConsent:
    """The consent of a row (no model instance per row: a file may hold 100,000 of them).

    ``child_id`` is the child's id, or for a child the file adds, a key of that new child.
    """

    party: str
    purpose: str
    given_on: dt.date
    withdrawn_on: dt.date | None
    child_id: Any = None


def check(row: Row, cache: dict[tuple, list[tuple[str, str]]]) -> None:
    """The row's consent on its own: all three of party, purpose and date, and ``Consent.clean``.

    Leaves a ``RowConsent`` in ``row.payload["consent"]`` (``None`` for a row without one).
    ``cache`` holds the errors of each combination of values and birth already checked.
    """
    v = row.values
    row.payload["consent"] = None
    if not any(v.get(key) for key in KEYS):
        return
    missing = [key for key in REQUIRED if not v.get(key)]
    for key in missing:
        row.error(key, _("A consent needs who gave it, its purpose and the date it was given."))
    if missing:
        return
    birth = v["date_of_birth"]
    consent = RowConsent(v["consent_party"], v["consent_purpose"], v["consent_given_on"], v.get("consent_withdrawn_on"))
    checked = (consent.party, consent.purpose, consent.given_on, consent.withdrawn_on, birth.date, birth.year)
    errors = cache.get(checked)
    if errors is None:
        errors = cache[checked] = _model_errors(consent, birth)
    for column, message in errors:
        row.error(column, message)
    if not errors:
        row.payload["consent"] = consent


def _model_errors(consent: RowConsent, birth: Any) -> list[tuple[str, str]]:
    """``Consent.clean`` on the row's values, the child's birth as the row gives it; nothing is saved."""
    instance = Consent(
        party=consent.party, purpose=consent.purpose, given_on=consent.given_on, withdrawn_on=consent.withdrawn_on
    )
    instance.child = Child(**birth_fields(date_of_birth=birth.date, birth_year=birth.year))
    try:
        instance.clean()
    except ValidationError as exc:
        return [
            (FIELD_COLUMNS.get(name, "consent_party"), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


def plan(rows: list[Row]) -> None:
    """Against the consents already recorded and the file's earlier rows of the same child.

    Runs after the children are matched (``payload["child_id"]`` or the ``NewChild`` in
    ``payload["child"]``); reads the matched children's consents in one query.
    """
    wanted = [r for r in rows if r.ok and r.payload.get("consent") is not None]
    if not wanted:
        return
    ids = [r.payload["child_id"] for r in wanted if r.payload.get("child_id")]
    # (child, party, purpose, given on) → withdrawn on, of every consent recorded or planned.
    recorded: dict[tuple, dt.date | None] = {}
    taken: set[tuple] = set()
    if ids:
        fields = ("child_id", "party", "purpose", "given_on", "withdrawn_on")
        for child_id, party, purpose, given_on, withdrawn_on in (
            Consent.objects.filter(any_of("child_id", ids)).order_by().values_list(*fields)
        ):
            stored = RowConsent(party, purpose, given_on, withdrawn_on, child_id)
            recorded[(child_id, party, purpose, given_on)] = withdrawn_on
            if (stored_key := open_key(stored)) is not None:
                taken.add(stored_key)
    for row in wanted:
        child_key = row.payload.get("child_id") or id(row.payload["child"])
        consent = replace(row.payload["consent"], child_id=child_key)
        same = (child_key, consent.party, consent.purpose, consent.given_on)
        if same in recorded:
            # The consent is recorded already (an earlier import of this file, an earlier row).
            if recorded[same] != consent.withdrawn_on:
                row.error(
                    "consent_withdrawn_on",
                    _("This consent is recorded with another withdrawal date; change it on the child's page."),
                )
            row.payload["consent"] = None
            continue
        key = open_key(consent)
        if key is not None and key in taken:
            row.error("consent_purpose", str(OPEN_CONSENT_TAKEN))
            continue
        recorded[same] = consent.withdrawn_on
        if key is not None:
            taken.add(key)
        if row.action == UNCHANGED:
            row.action = UPDATED


def write(rows: list[Row], *, user_id: int | None, file_name: str) -> None:
    """Insert the planned consents and one history line each, in bulk (the children are written)."""
    planned = [r for r in rows if r.payload.get("consent") is not None]
    if not planned:
        return
    notes = _("Imported from %(file)s") % {"file": file_name} if file_name else ""
    summaries: dict[tuple, str] = {}
    consents, changes = [], []
    for row in planned:
        consent: RowConsent = row.payload["consent"]
        child_id = row.payload.get("child_id") or row.payload["child"].pk
        terms = (consent.party, consent.purpose, consent.given_on)
        if terms not in summaries:
            shown = Consent(party=consent.party, purpose=consent.purpose, given_on=consent.given_on)
            summaries[terms] = _("Consent given: %(consent)s") % {"consent": shown}
        consents.append(
            {
                "child_id": child_id,
                "party": consent.party,
                "purpose": consent.purpose,
                "given_on": consent.given_on,
                "withdrawn_on": consent.withdrawn_on,
                "notes": notes,
                "recorded_by_id": user_id,
            }
        )
        changes.append(
            {
                "child_id": child_id,
                "user_id": user_id,
                "action": ChangeRecord.Action.CHANGED,
                "summary": summaries[terms],
            }
        )
    bulk_insert_values(Consent, consents)
    bulk_insert_values(ChangeRecord, changes)
