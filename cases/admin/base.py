"""What the admin of children and of cases share: saving inline rows through the service,
read-only inlines."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from accounts.roles import Role
from accounts.types import signed_in
from scope.admin import ScopedModelAdmin

from ..services import related_record_save

ACCESS_LOG_PERM = "audit.view_accessevent"


class ServiceSavingAdmin(ScopedModelAdmin):
    """Saves inline rows through ``related_record_save`` instead of ``formset.save()``."""

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        self.save_inline_through_service(request, form, formset, change)

    def save_inline_service(self, *, request: HttpRequest, obj: models.Model) -> None:
        related_record_save(record=obj, user=signed_in(request.user))


class ProvinceListAdmin(ScopedModelAdmin):
    """An editable reference list kept by the province office: only its officers (and superusers)
    add or change rows, and a row is switched off, never deleted."""

    def _province_level(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_authenticated and (user.is_superuser or user.role == Role.PROVINCE_OFFICER)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._province_level(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._province_level(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
