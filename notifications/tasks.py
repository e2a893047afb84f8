"""The periodic run of ``send_notifications`` (Django's tasks framework).

The task re-enqueues itself ``INTERVAL`` later. A chain holds the row of its period in
``NotificationRun``: a second chain started for the same period finds the row taken and stops,
so only one chain runs.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from .models import NotificationRun
from .services import notifications_send

INTERVAL = dt.timedelta(minutes=5)


def period_of(now: dt.datetime) -> dt.datetime:
    seconds = int(INTERVAL.total_seconds())
    return dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=dt.UTC)


@task
def send_notifications_periodically() -> int:
    now = timezone.now()
    try:
        with transaction.atomic():
            NotificationRun.objects.create(period=period_of(now))
    except IntegrityError:
        return 0  # another chain has this period
    result = notifications_send(now=now)
    send_notifications_periodically.using(run_after=period_of(now) + INTERVAL).enqueue()
    return result.created
