"""What the admin of children and of cases share: saving inline rows through the service,
read-only inlines."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest

from scope.admin import ScopedModelAdmin

from ..services import related_record_save

ACCESS_LOG_PERM = "audit.view_accessevent"


class ServiceSavingAdmin(ScopedModelAdmin):
    """Saves inline rows through ``related_record_save`` instead of ``formset.save()``."""

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        self.save_inline_through_service(request, form, formset, change)

    def save_inline_service(self, *, request: HttpRequest, obj: models.Model) -> None:
        related_record_save(record=obj, user=request.user)


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
