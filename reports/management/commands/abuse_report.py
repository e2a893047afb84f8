"""``manage.py abuse_report --unit CODE --year YEAR [--user USERNAME] [--format json|csv|xlsx] [--output FILE]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reports.abuse import abuse_report
from reports.abuse_tables import abuse_content
from reports.area import ReportRequestError, ReportUnitNotFound, resolve_area

from .annual_report import Command as AnnualReportCommand

FORMATS = ["json", "csv", "xlsx"]


class Command(BaseCommand):
    help = "Print or save the abuse report of a unit (children abused by sex, age, form, setting, unit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", default="", help="Unit code (empty: the user's unit, or the whole country).")
        parser.add_argument("--year", required=True)
        parser.add_argument("--edition", choices=["legacy", "current"], help="Structure of the unit code.")
        parser.add_argument(
            "--user", help="Report as this user, within their scope (default: everything, as shell access allows)."
        )
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument(
            "--table",
            default="summary",
            help="Table for CSV: summary, by_sex, by_age_group, by_form, by_setting, by_unit.",
        )
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        # The same user rules and output handling as ``annual_report``.
        # django-stubs wants a TextIO: a command's own output wrapper is one, to Django.
        annual = AnnualReportCommand(stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
        user = annual._user(options["user"])
        try:
            area = resolve_area(user=user, unit_code=options["unit"], year=options["year"], edition=options["edition"])
        except (ReportRequestError, ReportUnitNotFound) as exc:
            raise CommandError(str(exc)) from exc
        report = abuse_report(user=user, area=area)
        try:
            content = abuse_content(report, options["format"], table=options["table"])
        except ValueError as exc:
            raise CommandError(_("Unknown table “%(name)s”.") % {"name": options["table"]}) from exc
        annual.write(content, fmt=options["format"], output=options["output"])
