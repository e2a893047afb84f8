"""``import_data KIND FILE --user USERNAME [--commit] [--json]`` (docs/contract/imports.md).

Exit status 0: the file is valid (and, with ``--commit``, applied); 1: it has invalid rows;
2: unusable input (no such file, unknown kind or user, unreadable file).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandParser

from imports.registry import kinds
from imports.services import import_job_create, import_job_run


class Command(BaseCommand):
    help = "Check (and with --commit, apply) an import file of one kind as a user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help=f"One of: {', '.join(kinds())}")
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--user", required=True, help="Import as this user (their scope applies)")
        parser.add_argument("--commit", action="store_true", help="Apply the file when it is valid")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        self.as_json = options["json"]
        kind, path = options["kind"], Path(options["file"])
        if kind not in kinds():
            self.fail(f"Unknown kind {kind!r}; use one of: {', '.join(kinds())}.")
        if not path.is_file():
            self.fail(f"No such file: {path}")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            self.fail(f"No active user {options['user']!r}.")
        try:
            with path.open("rb") as handle:
                job = import_job_create(user=user, kind=kind, file=handle, file_name=path.name)
        except (PermissionDenied, ValidationError) as exc:
            self.fail("; ".join(getattr(exc, "messages", [str(exc)])))
        job = import_job_run(job=job, commit=options["commit"])
        result = job.result
        if result.unusable:
            self.fail(result.unusable, job_id=job.pk)
        self.report(result.as_dict() | {"job": job.pk, "status": job.status})
        sys.exit(0 if result.valid else 1)

    def report(self, data: dict[str, Any]) -> None:
        if self.as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, default=str))
            return
        counts = data["counts"]
        self.stdout.write(
            f"{data['kind']}: {counts['read']} rows read, {counts['valid']} valid, {counts['invalid']} invalid; "
            f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged"
            + (" (committed)" if data["committed"] else " (preview only)" if data["valid"] else " (nothing changed)")
        )
        for error in data["errors"]:
            self.stdout.write(f"row {error['row']}, {error['column']} = {error['value']!r}: {error['reason']}")
        if data["error_count"] > len(data["errors"]):
            self.stdout.write(f"... and {data['error_count'] - len(data['errors'])} more errors")
        for dup in data["duplicates"]:
            self.stdout.write(f"row {dup['row']}: probable duplicate of {dup['existing']} (id {dup['child_id']})")

    def fail(self, message: str, **extra: Any) -> None:
        if self.as_json:
            self.stdout.write(json.dumps({"valid": False, "unusable": message, **extra}, ensure_ascii=False))
        else:
            self.stderr.write(message)
        sys.exit(2)
