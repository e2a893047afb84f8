"""``unlock_user USERNAME``: lift a sign-in lock-out at once (django-axes)."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Lift the sign-in lock-out of USERNAME (after too many failed sign-ins)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        removed = reset(username=username)
        if removed:
            self.stdout.write(f"{username}: unlocked ({removed} failed sign-ins cleared).")
        else:
            self.stdout.write(f"{username}: was not locked.")
