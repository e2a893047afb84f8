"""One's own notifications in the admin: read only, with a "mark as read" action.

Not on the scoped admin base: a notification is scoped by its recipient, not by a unit
(the walkers' allow-list says so); the queryset is ``notifications_for(user=)``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Notification
from .selectors import notifications_for
from .services import notification_read


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "created_at", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    fields = readonly_fields = ("title", "body", "url", "kind", "created_at", "read_at")
    actions = ["mark_read"]

    def get_queryset(self, request: Any):
        return notifications_for(user=request.user)

    # The view permission (every role has it: accounts/roles.py) opens one's own list only.
    def has_module_permission(self, request: Any) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm("notifications.view_notification"))

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def change_view(self, request: Any, object_id: str, form_url: str = "", extra_context: Any = None):
        note = self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        if note is not None:
            notification_read(notification=note)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request: Any, queryset: Any) -> None:
        count = 0
        for note in queryset.filter(read_at__isnull=True):
            notification_read(notification=note)
            count += 1
        self.message_user(request, _("%d marked as read.") % count, messages.SUCCESS)
