"""``python manage.py rebuild_rollups [--compact]``: count the roll-up tables again, or fold their deltas.

The database keeps the roll-ups on every write (``scope.rollups``); ``--compact`` (nightly, like
``prune_access_log``) folds each key's delta rows into one so that reports read a few rows per
key. Without it, every roll-up is counted again from its facts: after a change made with the
triggers off (a restored dump of one table, ``session_replication_role = replica``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from scope.rollups import compact, install, recount


class Command(BaseCommand):
    help = "Count the roll-up tables of the reports again from their records (--compact: fold their deltas)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compact", action="store_true", help="Fold the delta rows of each key into one.")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        install(using=using)
        if options["compact"]:
            for table, (before, after) in compact(using=using).items():
                self.stdout.write(
                    _("%(table)s: %(before)d rows folded into %(after)d.")
                    % {"table": table, "before": before, "after": after}
                )
            return
        for table, rows in recount(using=using).items():
            self.stdout.write(_("%(table)s: counted again, %(rows)d rows.") % {"table": table, "rows": rows})
