"""Writes of consent records (docs/contract/data-protection.md, "Consent").

The admin inline, the API and the children import follow the same rules: the per-row ones in
``Consent.clean`` (no future dates, no withdrawal before the consent, no consent of a child under
7 as party ``child``) and ``open_consent_taken`` (no second open consent of the same party for
the same purpose). A consent is never deleted: it is withdrawn on a date, or archived.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.types import recorded_user
from scope.core import ensure_in_scope

from . import history
from .consent import OPEN_CONSENT_TAKEN, Consent, open_consent_taken
from .models import ChangeRecord, Child

if TYPE_CHECKING:
    from accounts.models import User

ADD_PERM = "cases.add_consent"
CHANGE_PERM = "cases.change_consent"


def consent_check_open(consent: Consent) -> None:
    """Refuse a second open consent of the same party for the same purpose, on the purpose field."""
    if consent.child_id is None:
        return  # A new child has no consents yet.
    others = list(Consent.objects.filter(child_id=consent.child_id, withdrawn_on__isnull=True))
    if open_consent_taken(consent, others):
        raise ValidationError({"purpose": [str(OPEN_CONSENT_TAKEN)]})


def _require(user: User, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("Your role may not record consent."))


@transaction.atomic
def consent_save(*, consent: Consent, user: User) -> Consent:
    """Save a new or changed consent row (the admin inline's rows).

    A new row needs ``cases.add_consent``, a change (a withdrawal, a corrected note)
    ``cases.change_consent``. The history of the child says what happened.
    """
    new = consent.pk is None
    _require(user, ADD_PERM if new else CHANGE_PERM)
    before = None if new else Consent._base_manager.get(pk=consent.pk)
    if new and consent.recorded_by_id is None:
        consent.recorded_by = recorded_user(user)
    ensure_in_scope(consent, user)
    consent.full_clean(validate_constraints=False)
    consent_check_open(consent)
    consent.full_clean()
    consent.save()
    child: Child = consent.child
    if new:
        summary = _("Consent given: %(consent)s") % {"consent": consent}
        history.record(user=user, action=ChangeRecord.Action.CHANGED, child=child, summary=summary)
    elif before is not None and before.withdrawn_on is None and consent.withdrawn_on is not None:
        summary = _("Consent withdrawn on %(date)s: %(consent)s") % {
            "date": f"{consent.withdrawn_on:%d/%m/%Y}",
            "consent": consent,
        }
        history.record(user=user, action=ChangeRecord.Action.CHANGED, child=child, summary=summary)
    elif before is not None:
        changes = history.diff(consent, history.snapshot(before))
        if changes:
            summary = _("Consent changed: %(consent)s") % {"consent": consent}
            history.record(user=user, action=ChangeRecord.Action.CHANGED, child=child, changes=changes, summary=summary)
    return consent


def consent_record(
    *,
    child: Child,
    party: str,
    purpose: str,
    given_on: dt.date,
    by: User,
    withdrawn_on: dt.date | None = None,
    notes: str = "",
    document: File[Any] | None = None,
) -> Consent:
    """Record a consent given for ``child`` by ``party`` for ``purpose`` on ``given_on``."""
    consent = Consent(
        child=child, party=party, purpose=purpose, given_on=given_on, withdrawn_on=withdrawn_on, notes=notes or ""
    )
    if document is not None:
        # Written to storage by ``save()``, after every check passed (and validated by ``full_clean``).
        consent.document = document
    return consent_save(consent=consent, user=by)


def consent_withdraw(*, consent: Consent, withdrawn_on: dt.date, by: User) -> Consent:
    """Withdraw ``consent`` as of ``withdrawn_on`` (never a delete: the record stays)."""
    if consent.withdrawn_on is not None:
        message = _("This consent was already withdrawn on %(date)s.") % {"date": f"{consent.withdrawn_on:%d/%m/%Y}"}
        raise ValidationError({"withdrawn_on": [message]})
    consent.withdrawn_on = withdrawn_on
    return consent_save(consent=consent, user=by)
