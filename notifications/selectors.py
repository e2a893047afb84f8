"""Reads of notifications. The one surface not scoped by unit: a user sees only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(*, user: Any) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()
