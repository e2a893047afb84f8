"""The access log in the admin: read only, for province managers (their scope) and superusers."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.http import HttpRequest

from scope.admin import ScopedModelAdmin

from .models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(ScopedModelAdmin):
    """Append-only: nobody adds, changes or deletes an entry here, superusers included.

    Filter one child's or one case's entries with ``?child_id=<id>`` or ``?case_id=<id>``
    (the child's page links to it).
    """

    list_display = ["at", "username", "action", "outcome", "model", "object_id", "child_id", "case_id", "ip", "path"]
    list_filter = ["action", "outcome", "model"]
    search_fields = ["username"]
    date_hierarchy = "at"
    show_full_result_count = False
    list_per_page = 100
    readonly_fields = [f.name for f in AccessEvent._meta.fields]

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if lookup in {"child_id", "case_id", "user__id__exact", "request_id"}:
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_actions(self, request: HttpRequest, action_location=ActionLocation.CHANGE_LIST):
        return {}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessEvent | None = None) -> bool:
        return False
