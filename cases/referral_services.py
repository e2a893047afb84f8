"""Writes of referrals to services (docs/contract/case-work.md, "Referrals to services").

A referral is sent, then accepted or declined by the provider, and an accepted one is completed.
Every change of status is a ``ReferralStep``; the history of the case names it too.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.types import recorded_user
from scope.core import ensure_in_scope

from . import history
from .consent import may_share_without_consent
from .models import Case, ChangeRecord
from .referrals import Referral, ReferralStep
from .transfer_services import sharing_allowed
from .workflow import may_act

if TYPE_CHECKING:
    from accounts.models import User

S = Referral.Status

# The contract's statuses: sent → accepted | declined, accepted → completed.
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    S.SENT: frozenset({S.ACCEPTED, S.DECLINED}),
    S.ACCEPTED: frozenset({S.COMPLETED}),
    S.DECLINED: frozenset(),
    S.COMPLETED: frozenset(),
}
# The provider's answer: its time is ``answered_at``.
ANSWERS = frozenset({S.ACCEPTED, S.DECLINED})


@transaction.atomic
def referral_send(
    *,
    case: Case,
    service: str,
    provider: str,
    reason: str,
    by: User,
    due_on: dt.date | None = None,
    shares_file: bool = True,
    consent_override_reason: str = "",
) -> Referral:
    """Refer ``case`` to ``provider`` for ``service``; sharing the file needs the child's consent."""
    # Officers, and the managers who record the override of a missing consent with it.
    if not (may_act(by) or may_share_without_consent(by)):
        raise ValidationError(_("Your role may not refer cases."))
    case = Case._base_manager.select_for_update().select_related("child").get(pk=case.pk)
    ensure_in_scope(case, by)
    if case.archived_at is not None or case.status == Case.Status.CLOSED:
        raise ValidationError(_("A closed or archived case cannot be referred."))
    if service not in Referral.Service.values:
        raise ValidationError({"service": _("Choose a service from the list.")})
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The answer cannot be due in the past.")})
    override_by = None
    if shares_file:
        override_by = sharing_allowed(child=case.child, by=by, override_reason=consent_override_reason)
    referral = Referral(
        case=case,
        service=service,
        provider=provider.strip(),
        reason=reason.strip(),
        due_on=due_on,
        shares_file=shares_file,
        sent_by=recorded_user(by),
        consent_override_reason=consent_override_reason.strip() if override_by else "",
        consent_override_by=recorded_user(override_by),
    )
    referral.full_clean()
    referral.save()
    ReferralStep.objects.create(referral=referral, from_status="", to_status=S.SENT, user=recorded_user(by))
    history.record(
        user=by,
        action=ChangeRecord.Action.CHANGED,
        child=case.child,
        case=case,
        summary=_("Referred to %(provider)s (%(service)s).")
        % {"provider": referral.provider, "service": referral.get_service_display()},
    )
    return referral


@transaction.atomic
def referral_set_status(*, referral: Referral, status: str, by: User, note: str = "") -> ReferralStep:
    """Move ``referral`` to ``status`` along ``REFERRAL_TRANSITIONS``, recording the step."""
    if not may_act(by):
        raise ValidationError(_("Your role may not change referrals."))
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    case = Case._base_manager.select_related("child").get(pk=referral.case_id)
    ensure_in_scope(case, by)
    if status not in S.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status not in REFERRAL_TRANSITIONS[referral.status]:
        raise ValidationError(
            {
                "status": _("A referral that is %(from)s cannot become %(to)s.")
                % {"from": referral.get_status_display().lower(), "to": S(status).label.lower()}
            }
        )
    previous = referral.status
    referral.status = status
    fields = ["status"]
    if status in ANSWERS:
        referral.answered_at = timezone.now()
        fields.append("answered_at")
    referral.save(update_fields=fields)
    step = ReferralStep.objects.create(
        referral=referral, from_status=previous, to_status=status, user=recorded_user(by), note=note.strip()
    )
    history.record(
        user=by,
        action=ChangeRecord.Action.CHANGED,
        child=case.child,
        case=case,
        summary=_("Referral to %(provider)s: %(from)s → %(to)s. %(note)s")
        % {"provider": referral.provider, "from": S(previous).label, "to": S(status).label, "note": step.note},
    )
    return step
