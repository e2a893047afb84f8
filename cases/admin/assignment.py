"""Assignment and the work queue in the case admin: the assignee choices, the "my cases" and queue
filters and the bulk "assign to…" action (docs/contract/case-work.md, "Assignment", "The work queue")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.types import AnyUser, signed_in
from scope.core import is_unrestricted, units_reached

from ..assignment import ASSIGNABLE_ROLES, case_assign
from ..models import Case
from ..queue import QUEUE_LABELS, case_lists


def assignable_users(request_user: AnyUser, case: Case | None = None) -> QuerySet[User]:
    """Active officers the editing user may pick: of units in their scope, covering ``case``'s commune.

    The service checks the rule again (``assignee_check``); this only keeps the list short.
    """
    qs = User.objects.filter(is_active=True, role__in=ASSIGNABLE_ROLES, unit__isnull=False)
    if not is_unrestricted(request_user):
        # The editing user's units and the units above them (a province officer of the commune).
        reached = units_reached(request_user)
        qs = qs.filter(Q(unit__in=reached.values("pk")) | Q(unit__in=_ancestors(request_user)))
    if case is not None and case.commune_id:
        commune = case.commune
        qs = qs.filter(unit__in=[pk for pk in (commune.pk, commune.district_id, commune.province_id) if pk])
    return qs.order_by("username")


def _ancestors(user: AnyUser) -> list[int]:
    unit = getattr(user, "unit", None)
    if unit is None:
        return []
    return [pk for pk in (unit.district_id, unit.province_id) if pk]


class MyCasesFilter(admin.SimpleListFilter):
    title = _("assignment")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", _("My cases")), ("none", _("Not assigned"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "none":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class QueueFilter(admin.SimpleListFilter):
    """``?queue=<key>``: the case lists of the work queue, from the same selector (``case_lists``)."""

    title = _("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return list(QUEUE_LABELS.items())

    def queryset(self, request, queryset):
        key = self.value()
        if key not in QUEUE_LABELS:
            return queryset
        listed = case_lists(user=request.user, now=timezone.now())[key]
        return queryset.filter(pk__in=listed.values("pk"))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Assign to"), required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = assignable_users(user)


@admin.action(description=_("Assign to…"), permissions=["change"])
def assign_selected(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse | None:
    """Ask for the officer, then assign every selected case to them; one refusal and nothing changes."""
    if not modeladmin.has_change_permission(request):
        raise PermissionDenied
    form = AssignForm(request.POST if "apply" in request.POST else None, user=request.user)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            with transaction.atomic():
                for case in queryset.select_related("child", "commune", "assigned_to"):
                    try:
                        case_assign(case=case, assignee=assignee, by=signed_in(request.user))
                    except ValidationError as exc:
                        raise ValidationError(f"{case.case_ref}: {' '.join(exc.messages)}") from exc
        except ValidationError as exc:
            modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        modeladmin.message_user(
            request, gettext("%(count)d cases assigned.") % {"count": queryset.count()}, messages.SUCCESS
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Assign cases"),
        "opts": modeladmin.model._meta,
        "form": form,
        "cases": queryset,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/cases/case/assign.html", context)
