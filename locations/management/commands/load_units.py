from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from locations.loaders import UnitLoadError, load_conversions_csv, load_official_units, load_units_csv
from locations.models import Unit
from locations.reform import derive_current_units


class Command(BaseCommand):
    help = "Load administrative units from the official data (idempotent) or patch them from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--edition",
            choices=["legacy", "current"],
            action="append",
            help="Structure to load; repeat for both. Default: both.",
        )
        parser.add_argument(
            "--province",
            nargs="+",
            action="extend",
            default=[],
            metavar="CODE",
            help="Only these provinces (official 2-digit codes).",
        )
        parser.add_argument(
            "--from-csv", metavar="FILE", help="CSV with columns level,code,name,parent_code,valid_from,valid_to."
        )
        parser.add_argument(
            "--conversions-csv",
            metavar="FILE",
            help="CSV of conversion entries: legacy_code,current_code[,rank,is_partial,effective_on].",
        )

    def handle(self, *args, **options):
        try:
            if options["from_csv"] or options["conversions_csv"]:
                for option, loader in (("from_csv", load_units_csv), ("conversions_csv", load_conversions_csv)):
                    if options[option]:
                        path = Path(options[option])
                        if not path.is_file():
                            raise CommandError(f"No such file: {path}")
                        result = loader(path.read_text(encoding="utf-8-sig"))
                        self.stdout.write(f"{path}: {result}")
            else:
                editions = options["edition"] or [Unit.Edition.LEGACY, Unit.Edition.CURRENT]
                for edition in editions:
                    result = load_official_units(edition=edition, provinces=options["province"] or None)
                    self.stdout.write(f"{edition}: {result}")
        except UnitLoadError as exc:
            raise CommandError(str(exc)) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"The file is not UTF-8 text: {exc}") from exc
        # New units or conversion entries may give existing records their current unit.
        changed = sum(derive_current_units().values())
        if changed:
            self.stdout.write(f"{changed} records got their current unit")
