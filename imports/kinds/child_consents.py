"""The optional ``consent_*`` columns of the children import: one consent per row.

The rules are those of the consent service (``cases.consent_services``): ``Consent.clean``
for the row's own values and ``open_consent_taken`` against the child's open consents, read
for a whole batch in one query. A row repeating a consent already recorded (same party,
purpose and date) adds nothing, so importing a file twice records each consent once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.consent import OPEN_CONSENT_TAKEN, Consent, open_consent_taken
from cases.models import ChangeRecord, Child
from imports import cells
from imports.bulk import any_of

from .base import UNCHANGED, UPDATED, Column, Row

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


def check(row: Row) -> None:
    """The row's consent on its own: all three of party, purpose and date, and ``Consent.clean``.

    Leaves the unsaved consent in ``row.payload["consent"]`` (``None`` for a row without one).
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
    consent = Consent(
        party=v["consent_party"],
        purpose=v["consent_purpose"],
        given_on=v["consent_given_on"],
        withdrawn_on=v.get("consent_withdrawn_on"),
    )
    # The age rule reads the child's birth as the row gives it; nothing is saved.
    consent.child = Child(date_of_birth=birth.date, birth_year=birth.year, birth_year_only=birth.date is None)
    try:
        consent.clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                row.error(FIELD_COLUMNS.get(name, "consent_party"), message)
        return
    row.payload["consent"] = consent


def _same(a: Consent, b: Consent) -> bool:
    return (a.party, a.purpose, a.given_on) == (b.party, b.purpose, b.given_on)


def plan(rows: list[Row]) -> None:
    """Against the consents already recorded and the file's earlier rows of the same child.

    Runs after the children are matched (``payload["child_id"]`` or the ``NewChild`` in
    ``payload["child"]``); reads the matched children's consents in one query.
    """
    wanted = [r for r in rows if r.ok and r.payload.get("consent") is not None]
    if not wanted:
        return
    ids = [r.payload["child_id"] for r in wanted if r.payload.get("child_id")]
    stored: dict[Any, list[Consent]] = {}
    if ids:
        for recorded in Consent.objects.filter(any_of("child_id", ids)).order_by():
            stored.setdefault(recorded.child_id, []).append(recorded)
    for row in wanted:
        consent: Consent = row.payload["consent"]
        key = row.payload.get("child_id") or id(row.payload["child"])
        known = stored.setdefault(key, [])
        repeated = next((c for c in known if _same(c, consent)), None)
        if repeated is not None:
            if repeated.withdrawn_on != consent.withdrawn_on:
                row.error(
                    "consent_withdrawn_on",
                    _("This consent is recorded with another withdrawal date; change it on the child's page."),
                )
            row.payload["consent"] = None
            continue
        if row.payload.get("child_id"):
            # A new child's consents keep no child id, like the file's other consents of that child.
            consent.child_id = row.payload["child_id"]
        if open_consent_taken(consent, known):
            row.error("consent_purpose", str(OPEN_CONSENT_TAKEN))
            continue
        known.append(consent)
        if row.action == UNCHANGED:
            row.action = UPDATED


def write(rows: list[Row], *, user_id: int | None, file_name: str) -> None:
    """Bulk-create the planned consents and one history line each (the children are written)."""
    planned = [r for r in rows if r.payload.get("consent") is not None]
    consents = []
    for row in planned:
        consent: Consent = row.payload["consent"]
        consents.append(
            Consent(
                child_id=row.payload.get("child_id") or row.payload["child"].pk,
                party=consent.party,
                purpose=consent.purpose,
                given_on=consent.given_on,
                withdrawn_on=consent.withdrawn_on,
                notes=_("Imported from %(file)s") % {"file": file_name} if file_name else "",
                recorded_by_id=user_id,
            )
        )
    if not consents:
        return
    Consent.objects.bulk_create(consents)
    ChangeRecord.objects.bulk_create(
        [
            ChangeRecord(
                child_id=consent.child_id,
                user_id=user_id,
                action=ChangeRecord.Action.CHANGED,
                summary=_("Consent given: %(consent)s") % {"consent": consent},
            )
            for consent in consents
        ]
    )
