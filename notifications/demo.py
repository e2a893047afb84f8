"""Demo notifications: what the demo's cases, transfers and referrals make due today.

Runs the same event sources as ``send_notifications`` (``notifications_send``), so the demo users
find unread notifications and a badge in the admin header; running the demo twice adds nothing
(each notification has its unique key). Demo users have no e-mail address: nothing is sent.
"""

from __future__ import annotations

from typing import Any

from locations.models import Unit

from .models import Notification
from .services import notifications_send

# The notifications come from the other apps' demo records (their cases, transfers, referrals):
# seed_demo seeds this module after every other app's, and resets it before them.
SEED_AFTER_OTHER_APPS = True


def seed(*, province: Unit, users: dict[str, Any], rng: Any, stdout: Any, current_users: dict[str, Any]) -> None:
    result = notifications_send()
    stdout.write(f"notifications: {result.created} added.")


def reset(*, province: Unit, users: dict[str, Any], stdout: Any) -> None:
    deleted, _ = Notification.objects.filter(recipient__username__startswith="demo_").delete()
    stdout.write(f"notifications: {deleted} deleted.")
