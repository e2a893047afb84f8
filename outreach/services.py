"""Writes for outreach events and their attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from scope.core import ensure_in_scope

from .models import EventAttachment, OutreachEvent

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def event_save(*, user: User, event: OutreachEvent) -> OutreachEvent:
    """Create or update an outreach event.

    Participants must add up (children and female each at most the total, none negative) and
    the unit and protection model must lie in ``user``'s scope; otherwise ``ValidationError``
    names the field and nothing is saved.
    """
    ensure_in_scope(event, user)
    if event.pk is None and event.created_by_id is None and getattr(user, "pk", None):
        event.created_by = user
    event.topic = event.topic.strip()
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_create(*, user: User, **fields: Any) -> OutreachEvent:
    """Create an outreach event from field values (``unit`` a ``Unit``)."""
    return event_save(user=user, event=OutreachEvent(**fields))


@transaction.atomic
def event_update(*, user: User, event: OutreachEvent, **fields: Any) -> OutreachEvent:
    """Change some fields of an event that ``user`` may see."""
    ensure_in_scope(event, user)
    for name, value in fields.items():
        setattr(event, name, value)
    return event_save(user=user, event=event)


@transaction.atomic
def event_attachment_save(*, user: User, attachment: EventAttachment) -> EventAttachment:
    """Attach a photo or attendance sheet to an event in ``user``'s scope."""
    ensure_in_scope(attachment, user)
    attachment.full_clean()
    attachment.save()
    return attachment
