"""``manage.py annual_report --unit CODE --year YEAR [--user USERNAME] [--format …] [--output FILE]``.

``--format docx|pdf`` gives the official report (heading, narrative, tables, charts); a binary
format without ``--output`` goes to standard output as bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from accounts.models import User
from documents.render import FORMATS as DOCUMENT_FORMATS
from reports.area import ReportRequestError, ReportUnitNotFound, resolve_area
from reports.documents import annual_report_file
from reports.summary import annual_summary
from reports.summary_tables import summary_content

FORMATS = ["json", "csv", "xlsx", "text", *DOCUMENT_FORMATS]


class Command(BaseCommand):
    help = "Print or save the annual summary of a unit, as a user sees it with --user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", default="", help="Unit code (empty: the user's unit, or the whole country).")
        parser.add_argument("--year", required=True)
        parser.add_argument("--edition", choices=["legacy", "current"], help="Structure of the unit code.")
        parser.add_argument(
            "--user", help="Report as this user, within their scope (default: everything, as shell access allows)."
        )
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--table", default="summary", help="Table for CSV: summary, breakdown or months.")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["user"])
        try:
            area = resolve_area(user=user, unit_code=options["unit"], year=options["year"], edition=options["edition"])
        except (ReportRequestError, ReportUnitNotFound) as exc:
            raise CommandError(str(exc)) from exc
        summary = annual_summary(user=user, area=area)
        content: str | bytes
        if options["format"] in DOCUMENT_FORMATS:
            content = annual_report_file(summary=summary, fmt=options["format"], user=user).content
        else:
            try:
                content = summary_content(summary, options["format"], table=options["table"])
            except ValueError as exc:
                raise CommandError(_("Unknown table “%(name)s”.") % {"name": options["table"]}) from exc
        self.write(content, fmt=options["format"], output=options["output"])

    def write(self, content: str | bytes, *, fmt: str, output: str | None) -> None:
        """``content`` to the ``output`` file, or to standard output."""
        if output:
            path = Path(output)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            self.stderr.write(_("Written to %(path)s") % {"path": path})
        elif isinstance(content, str):
            self.stdout.write(content, ending="" if content.endswith("\n") else "\n")
        elif fmt == "csv":
            # The CSV of the download, byte-order mark included, through the command's own output.
            self.stdout.write(content.decode("utf-8"), ending="")
        else:
            sys.stdout.buffer.write(content)

    def _user(self, username: str | None) -> User:
        if not username:
            # Shell access already reads the whole database: report on everything.
            return User(username="shell", is_superuser=True, is_active=True)
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user “%(name)s”.") % {"name": username})
        if not user.has_perm("accounts.view_reports"):
            raise CommandError(_("User “%(name)s” may not run reports.") % {"name": username})
        return user
