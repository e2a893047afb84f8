from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notifications.services import notifications_send


class Command(BaseCommand):
    help = "Add the notifications that are due and e-mail them (safe to run again: nothing is sent twice)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Start the periodic task (the worker runs it every few minutes; a second chain stops by itself).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from notifications.tasks import send_notifications_periodically

            send_notifications_periodically.enqueue()
            self.stdout.write("notifications: periodic task enqueued")
            return
        result = notifications_send()
        self.stdout.write(f"notifications: {result.created} new, {result.emailed} e-mailed")
