"""The readable history of a child and its cases (``ChangeRecord``), written by ``cases.history``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scope.core import AnyScopeUser, Scope, ScopedQuerySet
from scope.reads import PersonalData

from .casework import Case
from .registry import Child


class ChangeRecordQuerySet(ScopedQuerySet["ChangeRecord"]):
    def visible_to(self, user: AnyScopeUser | None) -> ChangeRecordQuerySet:
        """Changes of the children ``user`` sees, except those of a case ``user`` does not see.

        A child that moved commune is seen in the new one while its cases stay in the old one;
        their changes (with the case's fields) stay with the case.
        """
        visible_cases = Case.objects.visible_to(user).values("pk")
        return super().visible_to(user).filter(Q(case__isnull=True) | Q(case__in=visible_cases))


class ChangeRecord(models.Model):
    """Readable history of a child and its cases: who changed what, when, from what to what."""

    scope = Scope(unit="child__commune", current="child__current_unit", owner="child__reported_by")
    personal_data = PersonalData(child="child", case="case")

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        TRANSITION = "transition", _("Workflow step")
        MERGED = "merged", _("Merged")

    # History outlives its record: purging an archived child or case keeps these rows.
    child = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, related_name="history", verbose_name=_("child")
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="history", verbose_name=_("case")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    # {field verbose name: [old, new]} as display strings.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("history")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"
