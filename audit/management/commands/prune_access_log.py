"""Remove access events older than ``ACCESS_LOG_RETENTION_DAYS`` (default 1825 days, five years)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from audit.models import AccessEvent


class Command(BaseCommand):
    help = "Remove access events older than ACCESS_LOG_RETENTION_DAYS (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be removed; remove nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.ACCESS_LOG_RETENTION_DAYS
        old = AccessEvent.objects.older_than(days)
        if options["dry_run"]:
            self.stdout.write(f"{old.count()} access events older than {days} days would be removed.")
            return
        removed, _by_model = old.delete()
        self.stdout.write(f"{removed} access events older than {days} days removed.")
