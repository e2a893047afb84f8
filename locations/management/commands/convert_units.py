from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from locations.convert import UnusableInput, convert_file


class Command(BaseCommand):
    help = (
        "Add the current (post-2025) unit codes beside the legacy ones in an import file "
        "(any of the six kinds, CSV or XLSX), keeping everything else."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The import file with legacy unit codes.")
        parser.add_argument("--output", required=True, metavar="FILE", help="Where to write the converted file.")

    def handle(self, *args, **options):
        source, output = Path(options["file"]), Path(options["output"])
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        if source.resolve() == output.resolve():
            raise CommandError("Write the converted file next to the original, not over it.")
        try:
            report = convert_file(source, output)
        except UnusableInput as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{output}: {report}")
        for code in sorted(set(report.unknown)):
            self.stderr.write(f"unknown: {code}")
