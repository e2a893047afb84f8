"""Transfers of a case to another unit when the child moves (docs/contract/case-work.md, "Transfers").

A transfer is pending until the receiving unit accepts, rejects or the sender cancels it; nothing moves
before acceptance. The services that move it are in ``cases.transfer_services``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scope.core import Scope, ScopedQuerySet, is_unrestricted, units_reached
from scope.reads import PersonalData

if TYPE_CHECKING:
    from scope.core import AnyScopeUser


class TransferQuerySet(ScopedQuerySet["Transfer"]):
    def visible_to(self, user: AnyScopeUser | None) -> Self:
        """Transfers of the cases ``user`` sees, and those sent to or from ``user``'s units.

        The receiving side sees a pending transfer before the case is theirs (its serializer shows
        them only the child's name, age, sex and the reason); the sending side keeps its record of
        what it sent after the case has left.
        """
        own = super().visible_to(user)
        if is_unrestricted(user) or getattr(user, "sees_only_own_records", False):
            # Everything, or (a collaborator) only the transfers of the cases they reported.
            return own
        reached = units_reached(user).values("pk")
        # A sender on a legacy commune reaches it directly, one on its successor through the succession.
        from locations.models import Unit

        senders = Unit.objects.filter(Q(pk__in=reached) | Q(successor_links__current__in=reached)).values("pk")
        return self.filter(Q(pk__in=own.values("pk")) | Q(to_unit__in=reached) | Q(from_unit__in=senders))

    def pending(self) -> Self:
        return self.filter(status=Transfer.Status.PENDING)


class Transfer(models.Model):
    """A request to move a case (and its child) from one commune to another."""

    scope = Scope(unit="case__commune", current="case__current_unit", owner="case__reported_by")
    personal_data = PersonalData(child="case__child", case="case")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers", verbose_name=_("case"))
    from_unit = models.ForeignKey(
        "locations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("from commune")
    )
    to_unit = models.ForeignKey(
        "locations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("to commune")
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    # Sharing the file outside the commune needs a data_sharing consent, or a manager's recorded
    # override (docs/contract/data-protection.md, "Consent").
    consent_override_reason = models.TextField(_("reason for sharing without consent"), blank=True)
    consent_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sharing without consent approved by"),
    )

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="transfer_one_pending_per_case"
            ),
        ]
        indexes = [models.Index(fields=["to_unit", "status"], name="transfer_to_unit_status")]

    def __str__(self) -> str:
        return f"{self.case.case_ref}: {self.from_unit} → {self.to_unit}"
