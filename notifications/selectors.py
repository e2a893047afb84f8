"""Reads of notifications. The one surface not scoped by unit: a user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from scope.core import AnyScopeUser, is_signed_in

from .models import Notification


def notifications_for(*, user: AnyScopeUser | None) -> QuerySet[Notification]:
    if not is_signed_in(user) or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user.pk)


def unread_count(*, user: AnyScopeUser | None) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()
