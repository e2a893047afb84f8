"""``purge_archived --older-than DAYS --confirm``: the only way archived records leave the database."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scope.archive import archived_purge

logger = logging.getLogger("cpmis.purge")


class Command(BaseCommand):
    help = "Remove records archived more than DAYS days ago (with --confirm); logs counts, never personal data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
        parser.add_argument("--confirm", action="store_true", help="Really remove; without it nothing is removed.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than"]
        if days < 0:
            self.stderr.write("--older-than must be 0 or more days.")
            raise SystemExit(2)
        if not options["confirm"]:
            self.stderr.write("Nothing removed: add --confirm to remove archived records for good.")
            raise SystemExit(2)
        removed, kept = archived_purge(older_than_days=days)
        for label, count in sorted(removed.items()):
            self.stdout.write(f"removed {count} {label}")
            logger.info("purge_archived removed %s %s (archived more than %s days ago)", count, label, days)
        for label, count in sorted(kept.items()):
            self.stdout.write(f"kept {count} {label} (attendance or history depends on them)")
            logger.info("purge_archived kept %s %s", count, label)
        if not removed:
            self.stdout.write("Nothing to remove.")
