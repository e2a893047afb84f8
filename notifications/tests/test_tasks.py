import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import NotificationRun
from notifications.tasks import INTERVAL, period_of, send_notifications_periodically


@pytest.mark.django_db
def test_chain_runs_once_per_period(monkeypatch):
    enqueued = []
    # The immediate backend would run the next link at once, forever: record it instead.
    monkeypatch.setattr(
        type(send_notifications_periodically),
        "using",
        lambda self, **kw: type("T", (), {"enqueue": lambda s: enqueued.append(kw)})(),
    )
    send_notifications_periodically.call()
    send_notifications_periodically.call()
    assert NotificationRun.objects.count() == 1
    assert len(enqueued) == 1
    assert enqueued[0]["run_after"] == period_of(timezone.now()) + INTERVAL


def test_period_is_a_multiple_of_the_interval():
    now = dt.datetime(2026, 3, 4, 10, 7, 31, tzinfo=dt.UTC)
    assert period_of(now) == dt.datetime(2026, 3, 4, 10, 5, tzinfo=dt.UTC)
