from django.core.management.base import BaseCommand, CommandError

from locations.reform import derive_current_units, reform_tracked_tables


class Command(BaseCommand):
    help = (
        "Set the current (post-2025) unit of every record, one set-based UPDATE per table. "
        "Safe to re-run: only records without a valid current unit change, moves are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--model",
            action="append",
            default=[],
            metavar="APP.MODEL",
            help="Only this model (e.g. cases.Child); repeat for more. Default: every record model.",
        )
        parser.add_argument("--only-missing", action="store_true", help="Only records that have no current unit yet.")

    def handle(self, *args, **options):
        tables = reform_tracked_tables()
        if options["model"]:
            by_label = {t.label.lower(): t for t in tables}
            unknown = [m for m in options["model"] if m.lower() not in by_label]
            if unknown:
                raise CommandError(
                    f"Not a record model: {', '.join(unknown)}. Choose from {', '.join(sorted(by_label))}."
                )
            tables = [by_label[m.lower()] for m in options["model"]]
        changed = derive_current_units(tables=tables, only_missing=options["only_missing"])
        for label, count in changed.items():
            self.stdout.write(f"{label}: {count} changed")
