"""Writes of transfers between units (docs/contract/case-work.md, "Transfers").

A transfer is requested by the sending unit, then accepted or rejected by the receiving one, or
cancelled by the sender. Nothing moves before acceptance; acceptance moves the case and its child to
the receiving commune in one transaction, so scope follows the unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from locations.models import Unit
from scope.core import OutOfScope, ensure_in_scope, units_reached

from . import history
from .consent import may_share_without_consent, sharing_check
from .incidents import Incident
from .models import Case, ChangeRecord, Child
from .services import _bump_version
from .transfers import Transfer
from .workflow import may_act

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.types import AnyUser


def sharing_allowed(*, child: Child, by: User, override_reason: str) -> User | None:
    """The user recorded as approving sharing ``child``'s file without consent, ``None`` when consent covers it.

    The rule itself is ``cases.consent.sharing_check``; this only turns its answer into the user that
    transfers and referrals store beside the reason. Raises its ``ValidationError`` otherwise.
    """
    used_override = sharing_check(child=child, on=timezone.localdate(), user=by, override_reason=override_reason)
    return by if used_override else None


def _check_receiving_unit(to_unit: Any, case: Case) -> Unit:
    if not isinstance(to_unit, Unit) or to_unit.pk is None:
        raise ValidationError({"to_unit": _("Choose the commune the case is transferred to.")})
    today = timezone.localdate()
    if to_unit.level != Unit.Level.COMMUNE or not Unit.objects.valid_on(today).filter(pk=to_unit.pk).exists():
        raise ValidationError({"to_unit": _("Choose a commune that exists today.")})
    if to_unit.pk in {case.commune_id, case.current_unit_id}:
        raise ValidationError({"to_unit": _("The case is already in this commune.")})
    return to_unit


def _pending_error() -> ValidationError:
    return ValidationError(
        {"to_unit": _("This case already has a pending transfer; wait for its answer or cancel it.")}
    )


@transaction.atomic
def transfer_request(*, case: Case, to_unit: Any, reason: str, by: User, consent_override_reason: str = "") -> Transfer:
    """Ask ``to_unit`` to take over ``case``. One pending transfer per case."""
    # Officers, and the managers who record the override of a missing consent with it.
    if not (may_act(by) or may_share_without_consent(by)):
        raise ValidationError(_("Your role may not transfer cases."))
    # Lock the case so that two requests at once see each other's pending transfer.
    case = Case._base_manager.select_for_update().select_related("child", "commune").get(pk=case.pk)
    ensure_in_scope(case, by)
    if case.archived_at is not None:
        raise ValidationError(_("An archived case cannot be transferred."))
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("A closed case cannot be transferred; reopen it first."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the transfer.")})
    _check_receiving_unit(to_unit, case)
    if Transfer.objects.filter(case=case, status=Transfer.Status.PENDING).exists():
        raise _pending_error()
    override_by = sharing_allowed(child=case.child, by=by, override_reason=consent_override_reason)
    transfer = Transfer(
        case=case,
        # The unit the case is recorded on, as the case's own scope names it (``Scope.unit``).
        from_unit=case.commune,
        to_unit=to_unit,
        reason=reason.strip(),
        requested_by=by if getattr(by, "pk", None) else None,
        consent_override_reason=consent_override_reason.strip() if override_by else "",
        consent_override_by=override_by if getattr(override_by, "pk", None) else None,
    )
    transfer.full_clean(exclude=["case"])
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError as exc:  # another request won the race despite the lock (one pending per case)
        raise _pending_error() from exc
    history.record(
        user=by,
        action=ChangeRecord.Action.CHANGED,
        child=case.child,
        case=case,
        summary=_("Transfer requested from %(from)s to %(to)s: %(reason)s")
        % {"from": transfer.from_unit, "to": to_unit, "reason": transfer.reason},
    )
    return transfer


def _lock_pending(transfer: Transfer) -> Transfer:
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.status != Transfer.Status.PENDING:
        raise ValidationError(
            _("This transfer was already answered (%(status)s).") % {"status": locked.get_status_display()}
        )
    return locked


def _ensure_receiver(transfer: Transfer, by: User) -> None:
    """Only the receiving unit (or above it) answers a transfer; others are told it does not exist."""
    if not may_act(by):
        raise ValidationError(_("Your role may not answer transfers."))
    if not units_reached(by).filter(pk=transfer.to_unit_id).exists():
        raise OutOfScope(_("This transfer does not exist."))


def _ensure_sender(transfer: Transfer, by: User) -> None:
    if not may_act(by):
        raise ValidationError(_("Your role may not cancel transfers."))
    # The sender is whoever holds the case: it is still theirs while the transfer is pending.
    if not Case.objects.visible_to(by).filter(pk=transfer.case_id).exists():
        raise OutOfScope(_("This transfer does not exist."))


def _covers(user: AnyUser | None, unit: Unit) -> bool:
    return bool(user is not None and user.is_active and units_reached(user).filter(pk=unit.pk).exists())


@transaction.atomic
def transfer_accept(*, transfer: Transfer, by: User, assign_to: User | None = None) -> Transfer:
    """Accept ``transfer``: the case and its child move to the receiving commune, in one transaction."""
    transfer = _lock_pending(transfer)
    _ensure_receiver(transfer, by)
    to_unit = transfer.to_unit
    if assign_to is not None and not (may_act(assign_to) and _covers(assign_to, to_unit)):
        raise ValidationError({"assign_to": _("Choose an officer of the receiving commune.")})
    case = Case._base_manager.select_for_update().get(pk=transfer.case_id)
    child = Child._base_manager.select_for_update().get(pk=case.child_id)
    from_unit = transfer.from_unit
    case_before, child_before = history.snapshot(case), history.snapshot(child)

    case.commune = to_unit
    if assign_to is not None:
        case.assigned_to = assign_to
    elif case.assigned_to_id is not None and not _covers(case.assigned_to, to_unit):
        case.assigned_to = None  # the officer in charge no longer covers the case
    case.full_clean()
    _bump_version(case, None)
    case.save()  # ``ReformTracked.save`` derives the new current unit from the commune

    # An incident keeps its case's commune on the row (``Incident.take_case_commune``) for scope
    # and reports: it follows the case.
    Incident.objects.filter(case=case).update(commune=to_unit)

    child.commune = to_unit
    child.full_clean()
    _bump_version(child, None)
    child.save()

    transfer.status = Transfer.Status.ACCEPTED
    transfer.decided_by = by if getattr(by, "pk", None) else None
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])

    summary = _("Transferred from %(from)s to %(to)s (accepted by the receiving commune).") % {
        "from": from_unit,
        "to": to_unit,
    }
    history.record(
        user=by,
        action=ChangeRecord.Action.CHANGED,
        child=child,
        case=case,
        changes=history.diff(case, case_before),
        summary=summary,
    )
    history.record(
        user=by,
        action=ChangeRecord.Action.CHANGED,
        child=child,
        changes=history.diff(child, child_before),
        summary=summary,
    )
    return transfer


@transaction.atomic
def transfer_reject(*, transfer: Transfer, by: User, reason: str) -> Transfer:
    """The receiving unit refuses ``transfer``; the case stays where it is."""
    transfer = _lock_pending(transfer)
    _ensure_receiver(transfer, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for refusing the transfer.")})
    return _decide(transfer, by=by, status=Transfer.Status.REJECTED, reason=reason.strip())


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, by: User) -> Transfer:
    """The sending unit withdraws ``transfer`` before it is answered."""
    transfer = _lock_pending(transfer)
    _ensure_sender(transfer, by)
    return _decide(transfer, by=by, status=Transfer.Status.CANCELLED, reason="")


def _decide(transfer: Transfer, *, by: User, status: str, reason: str) -> Transfer:
    transfer.status = status
    transfer.decided_by = by if getattr(by, "pk", None) else None
    transfer.decided_at = timezone.now()
    transfer.decision_reason = reason
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    case = transfer.case
    history.record(
        user=by,
        action=ChangeRecord.Action.CHANGED,
        child=case.child,
        case=case,
        summary=_("Transfer from %(from)s to %(to)s %(status)s. %(reason)s")
        % {
            "from": transfer.from_unit,
            "to": transfer.to_unit,
            "status": transfer.get_status_display().lower(),
            "reason": reason,
        },
    )
    return transfer
