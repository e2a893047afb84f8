"""Writes of notifications: ``notify`` (idempotent), ``notification_read``, ``notifications_send``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .events import Event, due_events
from .models import Notification


class Recipient(Protocol):
    """A user as notifications write one (``accounts.User`` is one; notifications sit beside accounts)."""

    email_notifications: bool

    def full_clean(
        self, exclude: Collection[str] | None = ..., validate_unique: bool = ..., validate_constraints: bool = ...
    ) -> None: ...
    def save(self, *, update_fields: Iterable[str] | None = ...) -> None: ...


@dataclass(frozen=True)
class SendResult:
    created: int
    emailed: int


@transaction.atomic
def notify(*, events: Iterable[Event]) -> int:
    """Add one row per event and recipient; rows that exist already (same recipient and key) are
    left alone, so running twice adds nothing. Returns the number of rows added."""
    rows = [
        Notification(recipient_id=uid, kind=e.kind, key=e.key, title=e.title, body=e.body, url=e.url)
        for e in events
        for uid in sorted(e.recipient_ids)
    ]
    if not rows:
        return 0
    before = Notification.objects.count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Notification.objects.count() - before


@transaction.atomic
def notification_read(*, notification: Notification, now: dt.datetime | None = None) -> Notification:
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.full_clean()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_email(*, now: dt.datetime) -> int:
    """One e-mail per notification not yet e-mailed, to recipients who chose e-mail and have an
    address. ``emailed_at`` is set under a row lock, so two runs never send the same one twice."""
    sent = 0
    User = get_user_model()
    wanting = User.objects.filter(is_active=True, email_notifications=True).exclude(email="")
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(emailed_at__isnull=True, recipient__in=wanting)
            .select_related("recipient")
        )
        with translation.override("vi"):
            for note in pending:
                context = {"notification": note, "site_url": getattr(settings, "SITE_URL", "")}
                message = EmailMultiAlternatives(
                    subject=note.title,
                    body=render_to_string("notifications/email.txt", context),
                    to=[note.recipient.email],
                )
                message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
                message.send()
                sent += 1
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
    return sent


def notifications_send(*, now: dt.datetime | None = None) -> SendResult:
    """Everything due: the events of every source, then their e-mails."""
    now = now or timezone.now()
    with translation.override("vi"):
        created = notify(events=list(due_events(now)))
    return SendResult(created=created, emailed=notifications_email(now=now))


@transaction.atomic
def email_choice_set(*, user: Recipient, email_notifications: bool) -> None:
    """A user's own choice of e-mail notifications (only that field is written)."""
    user.email_notifications = email_notifications
    user.full_clean(validate_unique=False)
    user.save(update_fields=["email_notifications"])
