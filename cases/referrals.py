"""Referrals of a case to services (docs/contract/case-work.md, "Referrals to services").

Statuses ``sent`` → ``accepted`` | ``declined``, ``accepted`` → ``completed``; every change is a
``ReferralStep``. The services that move them are in ``cases.referral_services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scope.core import Scope, ScopedQuerySet
from scope.reads import PersonalData


class Referral(models.Model):
    """A case referred to a service provider (health, police, legal aid, …)."""

    scope = Scope(unit="case__commune", current="case__current_unit", owner="case__reported_by")
    personal_data = PersonalData(child="case__child", case="case")

    class Service(models.TextChoices):
        HEALTH = "health", _("Health")
        EDUCATION = "education", _("Education")
        POLICE = "police", _("Police")
        JUSTICE = "justice", _("Justice")
        LEGAL_AID = "legal_aid", _("Legal aid")
        PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
        SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance")
        SHELTER = "shelter", _("Shelter")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case"))
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    provider = models.CharField(_("provider"), max_length=255, help_text=_("The organisation or person referred to."))
    reason = models.TextField(_("reason"))
    due_on = models.DateField(_("answer due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Whether the child's file goes to the provider (outside the commune): then the data_sharing
    # consent rule applies (docs/contract/data-protection.md, "Consent"). A referral that only names
    # the service, such as a call to the police on the child's behalf, shares nothing.
    shares_file = models.BooleanField(
        _("shares the file"), default=True, help_text=_("The child's file is sent to the provider.")
    )
    consent_override_reason = models.TextField(_("reason for sharing without consent"), blank=True)
    consent_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sharing without consent approved by"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["due_on", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="referral_status_due")]

    def __str__(self) -> str:
        return f"{self.get_service_display()}: {self.provider}"


class ReferralStep(models.Model):
    """One change of a referral's status: who, when, from which to which, why."""

    scope = Scope(
        unit="referral__case__commune", current="referral__case__current_unit", owner="referral__case__reported_by"
    )
    personal_data = PersonalData(child="referral__case__child", case="referral__case")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps", verbose_name=_("referral"))
    from_status = models.CharField(_("from"), max_length=12, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Referral.Status.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
