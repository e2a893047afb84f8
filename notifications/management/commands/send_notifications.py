from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notifications.services import notifications_send


class Command(BaseCommand):
    help = "Add the notifications that are due and e-mail them (safe to run again: nothing is sent twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = notifications_send()
        self.stdout.write(f"notifications: {result.created} new, {result.emailed} e-mailed")
