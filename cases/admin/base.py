"""What the admin of children and of cases share: the personal data permission, saving inline rows
through the service, read-only inlines."""

from __future__ import annotations

from django.http import HttpRequest

from scope.admin import ScopedModelAdmin

from ..services import related_record_save

PERSONAL_DATA_PERM = "accounts.view_personal_data"
ACCESS_LOG_PERM = "audit.view_accessevent"


def sees_personal_data(request: HttpRequest) -> bool:
    return request.user.has_perm(PERSONAL_DATA_PERM)


class ServiceSavingAdmin(ScopedModelAdmin):
    """Saves inline rows through the service instead of ``formset.save()``."""

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            # The formset's own delete: an archivable row is archived (see ScopedInline).
            formset.delete_existing(obj)
        for obj in instances:
            related_record_save(record=obj, user=request.user)
        formset.save_m2m()


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
