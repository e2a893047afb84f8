"""The access log: who read which child's or case's personal data, when, from where, how."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scope.core import AnyScopeUser, Scope, ScopedQuerySet, is_unrestricted, with_archived
from scope.reads import Action

from .access import Outcome


class AccessEventQuerySet(ScopedQuerySet["AccessEvent"]):
    def visible_to(self, user: AnyScopeUser | None) -> AccessEventQuerySet:
        """Events by users of ``user``'s scope, and events about the children and cases in it.

        The second half lets a manager see who else (a superuser, a refused officer of another
        commune) opened their records. Archived records keep their log.
        """
        if is_unrestricted(user):
            return self.all()
        by_actor = super().visible_to(user)
        q = Q(pk__in=by_actor.values("pk"))
        for field, model in subject_models().items():
            q |= Q(**{f"{field}__in": with_archived(model).visible_to(user).values("pk")})
        return self.filter(q)

    def older_than(self, days: int) -> AccessEventQuerySet:
        return self.filter(at__lt=timezone.now() - dt.timedelta(days=days))


def subject_models() -> dict[str, type[models.Model]]:
    """``{"child_id": Child, "case_id": Case}``: the models whose own rows are the subjects."""
    from django.apps import apps

    from scope.reads import personal_data

    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        declared = personal_data(model)
        if declared is None:
            continue
        if declared.child == "pk":
            found["child_id"] = model
        if declared.case == "pk":
            found["case_id"] = model
    return found


class AccessEvent(models.Model):
    """One read of personal data; append-only (no surface adds, changes or deletes one).

    A request that shows several records writes one row per record, all in one INSERT and
    with the same ``request_id``. ``child_id`` and ``case_id`` are plain numbers, not foreign
    keys, so the log outlives a purged record.
    """

    scope = Scope(unit="user__unit", current="user__unit__successor_links__current")

    class Action(models.TextChoices):
        VIEW = Action.VIEW, _("view")
        LIST = Action.LIST, _("list")
        SEARCH = Action.SEARCH, _("search")
        EXPORT = Action.EXPORT, _("export")
        DOWNLOAD = Action.DOWNLOAD, _("download")
        PRINT = Action.PRINT, _("print")
        API = Action.API, _("API")

    class Outcome(models.TextChoices):
        OK = Outcome.OK, _("shown")
        REFUSED = Outcome.REFUSED, _("refused")

    request_id = models.UUIDField(_("request"), editable=False)
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept as text too: the log still names the user after the account is gone.
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("how"), max_length=12, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.OK)
    model = models.CharField(_("kind of record"), max_length=100, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    child_id = models.PositiveBigIntegerField(_("child"), null=True, blank=True)
    case_id = models.PositiveBigIntegerField(_("case"), null=True, blank=True)
    path = models.CharField(_("address of the page"), max_length=500, blank=True)
    query = models.TextField(_("filter or search used"), blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["child_id", "at"], name="access_child_at"),
            models.Index(fields=["case_id", "at"], name="access_case_at"),
            models.Index(fields=["user", "at"], name="access_user_at"),
            models.Index(fields=["at"], name="access_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username or '—'} {self.get_action_display()} {timezone.localtime(self.at):%d/%m/%Y %H:%M}"
