from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from accounts.services import user_upsert
from locations.models import Unit
from locations.resolve import level_for_code, normalise_code


class Command(BaseCommand):
    help = "Create or update a user with a role and a unit."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="One of: " + ", ".join(Role.values))
        parser.add_argument("--unit", required=True, metavar="CODE", help="Official code of the user's unit.")
        parser.add_argument(
            "--edition",
            choices=["legacy", "current"],
            help="Structure of the unit code when it exists in both (default: current).",
        )
        parser.add_argument("--password")
        parser.add_argument("--superuser", action="store_true", help="Also make the user a superuser.")

    def handle(self, *args, **options):
        role = options["role"]
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}")
        code = normalise_code(options["unit"])
        level = level_for_code(code)
        found = Unit.objects.filter(code=code, level=level) if level else Unit.objects.none()
        if options["edition"]:
            found = found.filter(edition=options["edition"])
        units = sorted(found, key=lambda u: u.edition != Unit.Edition.CURRENT)
        if not units:
            raise CommandError(f"Unknown unit {options['unit']!r}: load it with load_units first.")
        superuser: dict[str, Any] = {"is_superuser": True} if options["superuser"] else {}
        try:
            user, created = user_upsert(
                username=options["username"],
                role=role,
                unit=units[0],
                password=options["password"],
                **superuser,
            )
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {user.username}: {role} of {units[0]} ({units[0].edition})")


# The service's field names that are options of this command (the username is an argument).
OPTIONS = {"role", "unit", "password"}


def validation_message(exc: ValidationError) -> str:
    """One line naming what each message is about (``--password: This password is too short.``)."""
    if not hasattr(exc, "error_dict"):
        return "; ".join(exc.messages)

    def located(field: str, message: str) -> str:
        if field == NON_FIELD_ERRORS:
            return message
        return f"--{field}: {message}" if field in OPTIONS else f"{field}: {message}"

    return "; ".join(located(field, message) for field, errors in exc.message_dict.items() for message in errors)
