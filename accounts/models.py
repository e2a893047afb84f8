"""Users: every user has a role (what they may do) and a unit (which rows)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from scope.core import Scope, ScopedQuerySet

from .roles import OWNER_SCOPED_ROLES, Role


# A named subclass, because migrations serialise this manager (use_in_migrations). The django-stubs
# plugin does not resolve this ``from_queryset`` base inside accounts.models (it does in a module of
# its own), hence the ignore.
class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A staff member of a province, district or commune office."""

    # Users of legacy communes that converted into a current unit are managed from it.
    scope = Scope(unit="unit", current="unit__successor_links__current")

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        "locations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("unit"),
        help_text=_("The user sees and changes only records at or below this unit."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email_notifications = models.BooleanField(
        _("e-mail notifications"), default=True, help_text=_("Also send my notifications by e-mail.")
    )

    objects: ClassVar[ScopedUserManager] = ScopedUserManager()

    # Not ``AbstractUser.Meta``: it holds only the two names set here (and ``abstract``).
    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("view_reports", _("Can run reports")),
            ("view_personal_data", _("Can see children's personal data")),
            ("import_data", _("Can import files")),
            ("export_data", _("Can export data")),
            ("restore_archived", _("Can list and restore archived records")),
        ]

    @property
    def sees_only_own_records(self) -> bool:
        """Whether scope narrows this user further, to the rows they reported (``Scope.owner``)."""
        return self.role in OWNER_SCOPED_ROLES

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


# API tokens live in their own module; imported here so Django finds the model.
from .tokens import ApiToken  # noqa: E402, F401
