"""``{% unread_notifications %}``: the unread count of the admin header badge (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    request = context.get("request")
    return unread_count(user=getattr(request, "user", None))
