"""``python manage.py refresh_survey_flags``: recompute every survey record's category and risk flags.

The flags follow every write path by themselves; this repairs them after a change made outside
the application (SQL by hand, a restored backup of the link tables).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import all_survey_records


class Command(BaseCommand):
    help = "Recompute the category and risk flags of every survey record from its links."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            updated = all_survey_records().refresh_flags()
        self.stdout.write(f"{updated} survey records checked.")
