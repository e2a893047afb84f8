"""Consent records of a child (docs/contract/data-protection.md, "Consent").

Whose consent (the child, from 7 years of age, or a parent or guardian), for what, from when to when.
``sharing_consent_given`` is the one home of the rule that a transfer or referral sharing the file
outside the commune needs a current ``data_sharing`` consent.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scope.archive import Archivable
from scope.core import Scope, ScopedQuerySet
from scope.downloads import ProtectedFileField
from scope.reads import PersonalData
from scope.uploads import RandomName, validate_document

if TYPE_CHECKING:
    from accounts.types import AnyUser

    from .models import Child

# A child gives consent from this age on (Law on Children 2016, Art. 6 and 33 ask for the views and
# consent of a child aged 7 or more).
CHILD_CONSENT_AGE = 7


OPEN_CONSENT_TAKEN = _("This child already has an open consent of this party for this purpose; withdraw it first.")


class ConsentQuerySet(ScopedQuerySet["Consent"]):
    def current(self, *, purpose: str, on: dt.date) -> ConsentQuerySet:
        """Consents for ``purpose`` in force on ``on``: given by then and not withdrawn by then."""
        return self.filter(purpose=purpose, given_on__lte=on).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
        )


class Consent(Archivable):
    """One consent given for a child: by whom, for what, from when, withdrawn when."""

    scope = Scope(unit="child__commune", current="child__current_unit", owner="child__reported_by")
    personal_data = PersonalData(child="child")

    class Party(models.TextChoices):
        CHILD = "child", _("The child")
        REPRESENTATIVE = "representative", _("Parent or guardian")

    class Purpose(models.TextChoices):
        CASE_MANAGEMENT = "case_management", _("Case management")
        DATA_SHARING = "data_sharing", _("Sharing the file with other units and services")
        PHOTOS = "photos", _("Photos")

    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="consents", verbose_name=_("child"))
    party = models.CharField(_("given by"), max_length=16, choices=Party.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    document = ProtectedFileField(
        _("document"),
        upload_to=RandomName("cases/consents"),
        max_length=255,
        blank=True,
        validators=[validate_document],
        help_text=_("The signed consent form, if any (PDF, Office file or image)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["child", "purpose"], name="consent_child_purpose")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            # One open consent per child, party and purpose: a second one says nothing new and
            # would survive the withdrawal of the first. Checked with a clear message by
            # ``open_consent_taken``; this is the database's backstop for two clicks at once.
            models.UniqueConstraint(
                fields=["child", "party", "purpose"],
                condition=Q(withdrawn_on__isnull=True, archived_at__isnull=True),
                name="consent_one_open_per_party_purpose",
                violation_error_message=OPEN_CONSENT_TAKEN,
            ),
        ]
        permissions = [
            # docs/contract/data-protection.md: sharing without consent needs a manager's override.
            ("share_without_consent", _("Can share a child's file without a data sharing consent")),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} – {self.get_party_display()} ({self.given_on:%d/%m/%Y})"

    def clean(self) -> None:
        """The rules of one consent that need no other row: dates and the child's age."""
        errors: dict[str, Any] = {}
        today = timezone.localdate()
        if self.given_on and self.given_on > today:
            errors["given_on"] = _("Consent cannot be given in the future.")
        if self.withdrawn_on and self.withdrawn_on > today:
            errors["withdrawn_on"] = _("Consent cannot be withdrawn in the future.")
        elif self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            errors["withdrawn_on"] = _("Consent cannot be withdrawn before it was given.")
        # The child may still be unsaved (a consent recorded on the child's add page).
        child: Child | None = getattr(self, "child", None)
        if self.party == self.Party.CHILD and child is not None and self.given_on:
            age = child_age_on(child, self.given_on)
            if age is not None and age < CHILD_CONSENT_AGE:
                errors["party"] = _("A child gives consent from the age of %(age)d; ask the parent or guardian.") % {
                    "age": CHILD_CONSENT_AGE
                }
        if errors:
            raise ValidationError(errors)


def child_age_on(child: Child, on: dt.date) -> int | None:
    """``Child.age_on``, or ``None`` while the birth is not known yet (an add form left blank)."""
    if child.birth_year is None and (child.date_of_birth is None or child.birth_year_only):
        return None
    return child.age_on(on)


class ConsentTerms(Protocol):
    """What the one-open-consent rule reads of a consent (a ``Consent`` or an import row's values)."""

    @property
    def child_id(self) -> Any: ...
    @property
    def party(self) -> str: ...
    @property
    def purpose(self) -> str: ...
    @property
    def withdrawn_on(self) -> dt.date | None: ...


def open_key(consent: ConsentTerms) -> tuple[Any, str, str] | None:
    """``(child, party, purpose)`` of an open consent, ``None`` for a withdrawn one.

    The one home of the rule "one open consent per child, party and purpose": two open consents
    may not share this key. The service and the admin compare it through ``open_consent_taken``,
    the import against the keys it read for a whole batch.
    """
    if consent.withdrawn_on is not None:
        return None
    return (consent.child_id, consent.party, consent.purpose)


def open_consent_taken(consent: Consent, others: list[Consent]) -> bool:
    """Whether an open ``consent`` repeats the key of one of ``others`` (itself left out)."""
    key = open_key(consent)
    return key is not None and any(
        open_key(other) == key
        for other in others
        if other is not consent and (other.pk is None or other.pk != consent.pk)
    )


def sharing_consent_given(child: Child, *, on: dt.date) -> bool:
    """Whether a ``data_sharing`` consent for ``child`` is in force on ``on``."""
    return Consent.objects.filter(child=child).current(purpose=Consent.Purpose.DATA_SHARING, on=on).exists()


NO_CONSENT = _(
    "The child has no data sharing consent in force on %(date)s. Record the consent, or give the reason "
    "for sharing without it (a province manager may)."
)


def may_share_without_consent(user: AnyUser | None) -> bool:
    """Whether ``user`` may record the override of a missing ``data_sharing`` consent (a province manager)."""
    return bool(user is not None and user.is_active and user.has_perm("cases.share_without_consent"))


def sharing_check(*, child: Child, on: dt.date, user: AnyUser, override_reason: str = "") -> bool:
    """Allow sharing ``child``'s file outside the commune on ``on``, or raise ``ValidationError``.

    docs/contract/data-protection.md ("Consent"): a current ``data_sharing`` consent, or a
    recorded override with a reason by a user holding ``cases.share_without_consent``. Returns
    whether the override was used (the caller stores the reason and the user with its record).
    An override reason given while consent is in force is not needed and is not used.
    """
    if sharing_consent_given(child, on=on):
        return False
    reason = (override_reason or "").strip()
    if not reason:
        raise ValidationError({"consent_override_reason": NO_CONSENT % {"date": f"{on:%d/%m/%Y}"}})
    if not may_share_without_consent(user):
        raise ValidationError(
            {"consent_override_reason": _("Only a province manager may share a file without consent.")}
        )
    return True
