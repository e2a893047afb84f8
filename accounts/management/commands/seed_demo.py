"""``python manage.py seed_demo [--province 62] [--reset]``: a ready-to-try demo database.

Loads the legacy units of one province (default 62, Kon Tum) and the current units of the
province(s) it became in 2025 (for Kon Tum: 51, Quảng Ngãi), creates one demo user per role
plus an ``admin`` superuser, all with the password ``demo12345``, and prints the credentials.

Each app adds its own demo data without touching this command: when an installed app has a
``demo`` module, its function::

    def seed(*, province: Unit, users: dict[str, User], rng: random.Random, stdout) -> None

is called, in INSTALLED_APPS order (``demo_modules``), with the legacy province, the demo users
keyed by role (``Role`` values), a ``random.Random(2025)`` (so the demo data is the same on every
machine) and the command's stdout. An app's ``demo`` module may also define::

    def reset(*, province: Unit, users: dict[str, User], stdout) -> None

which ``--reset`` calls, in reverse order, to delete what that app's ``seed`` created before
seeding again. A ``demo`` module made from what the other apps' demos wrote (the notifications
they make due) sets ``SEED_AFTER_OTHER_APPS = True``: it seeds after them all and resets first.

The demo covers both administrative structures: records dated before the 2025 reform lie in the
legacy communes, later ones (this year's work) in the current communes. A ``seed`` that declares
the keyword ``current_users`` also receives the demo users of the current structure, keyed by
role (province manager and officer of the current province, the officer of the current commune
that the demo commune became), to write its post-reform records in their scope.

After seeding, the command prints where to sign in, which user to try first for each role, and
what to look at: each ``demo`` module may define::

    def guide(*, users: dict[str, User], current_users: dict[str, User], url: str) -> list[str]

returning a few lines ("a case whose deadline is running: <link>"), printed in the same order.

Idempotency: running the command twice duplicates nothing. Units are loaded with the
idempotent loader, users are upserted (their role, unit and password are put back to the demo
values), and each app's ``seed`` is responsible for its own idempotency (look records up by a
stable reference before creating them). Everything after the unit load runs in one
transaction, so a failing ``seed`` leaves no half-built demo behind.
"""

from __future__ import annotations

import inspect
import random
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_upsert
from locations.loaders import UnitLoadError, load_official_units
from locations.models import Unit
from locations.succession import official_province_successors, successors_of

DEMO_PASSWORD = "demo12345"
DEMO_SEED = 2025


@dataclass
class DemoAccount:
    username: str
    role: str
    unit: Unit
    superuser: bool = False
    # Why to try this user first for its role, printed by the first-run guide ("" for the others).
    hint: str = ""


class Command(BaseCommand):
    help = "Load demo units, create one demo user per role and let each app add its demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            default="62",
            metavar="CODE",
            help="Legacy province to load and scope the demo users to (default: 62, Kon Tum). "
            "The current province(s) it became in 2025 are loaded too.",
        )
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="Where the system is served, for the links of the first-run guide (default: %(default)s).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete the demo data of every app that can (its demo.reset), then seed again.",
        )

    def handle(self, *args, **options):
        legacy_code = str(options["province"]).strip()
        if not legacy_code.isdigit():
            raise CommandError(f"A province code is digits, got {legacy_code!r}.")
        legacy_code = f"{int(legacy_code):02d}"
        current_codes = official_province_successors(legacy_code)
        if not current_codes:
            raise CommandError(f"Unknown legacy province code {legacy_code}.")

        try:
            result = load_official_units(edition=Unit.Edition.LEGACY, provinces=[legacy_code])
            self.stdout.write(f"Units, legacy {legacy_code}: {result}")
            result = load_official_units(edition=Unit.Edition.CURRENT, provinces=current_codes)
            self.stdout.write(f"Units, current {', '.join(current_codes)}: {result}")
        except UnitLoadError as exc:
            raise CommandError(str(exc)) from exc

        province = Unit.objects.get(edition=Unit.Edition.LEGACY, level=Unit.Level.PROVINCE, code=legacy_code)
        current_province = Unit.objects.get(
            edition=Unit.Edition.CURRENT, level=Unit.Level.PROVINCE, code=current_codes[0]
        )
        district = (
            Unit.objects.filter(edition=Unit.Edition.LEGACY, level=Unit.Level.DISTRICT, parent=province)
            .order_by("code")
            .first()
        )
        commune = (
            Unit.objects.filter(edition=Unit.Edition.LEGACY, level=Unit.Level.COMMUNE, parent=district)
            .order_by("code")
            .first()
        )
        if district is None or commune is None:
            raise CommandError(f"Province {province} has no district or commune to give the demo users.")
        current_commune = next(iter(successors_of(commune)), None)

        accounts = [
            DemoAccount("admin", Role.PROVINCE_MANAGER, province, superuser=True, hint="everything, every setting"),
            DemoAccount("demo_province_manager", Role.PROVINCE_MANAGER, province),
            DemoAccount("demo_province_officer", Role.PROVINCE_OFFICER, province),
            DemoAccount("demo_district_officer", Role.DISTRICT_OFFICER, district, hint="one legacy district"),
            DemoAccount("demo_commune_officer", Role.COMMUNE_OFFICER, commune, hint="one legacy commune; try samples/"),
            DemoAccount("demo_collaborator", Role.COLLABORATOR, commune, hint="report a child (intake)"),
            DemoAccount("demo_viewer", Role.VIEWER, province, hint="aggregate reports only"),
            DemoAccount(
                "demo_current_manager",
                Role.PROVINCE_MANAGER,
                current_province,
                hint="start here: this year's work and the annual report",
            ),
            DemoAccount(
                "demo_current_officer",
                Role.PROVINCE_OFFICER,
                current_province,
                hint="the current province's records, the legacy ones included",
            ),
        ]
        if current_commune is not None:
            accounts.append(
                DemoAccount(
                    "demo_current_commune_officer",
                    Role.COMMUNE_OFFICER,
                    current_commune,
                    hint="a current commune, with a running emergency case",
                )
            )
        modules = demo_modules()

        with transaction.atomic():
            users: dict[str, User] = {}
            by_username: dict[str, User] = {}
            for account in accounts:
                user, _created = user_upsert(
                    username=account.username,
                    role=account.role,
                    unit=account.unit,
                    password=DEMO_PASSWORD,
                    is_active=True,
                    is_superuser=account.superuser,
                )
                by_username[account.username] = user
            current_users: dict[str, User] = {}
            for account in accounts:
                # One user per role for the apps, in each structure.
                if not account.username.startswith("demo_"):
                    continue
                chosen = users if account.unit.edition == Unit.Edition.LEGACY else current_users
                chosen.setdefault(account.role, by_username[account.username])

            if options["reset"]:
                for label, module in reversed(modules):
                    reset = getattr(module, "reset", None)
                    if callable(reset):
                        self.stdout.write(f"Resetting the demo data of {label}…")
                        reset(province=province, users=users, stdout=self.stdout)

            for label, module in modules:
                seed = getattr(module, "seed", None)
                if callable(seed):
                    self.stdout.write(f"Seeding the demo data of {label}…")
                    extra = {"current_users": current_users} if accepts(seed, "current_users") else {}
                    seed(province=province, users=users, rng=random.Random(DEMO_SEED), stdout=self.stdout, **extra)

        self.print_credentials(accounts)
        self.print_guide(accounts, modules, users=users, current_users=current_users, url=options["url"])

    def print_credentials(self, accounts: list[DemoAccount]) -> None:
        rows = [("username", "password", "role", "unit", "structure")]
        for account in accounts:
            role = "superuser" if account.superuser else account.role
            rows.append((account.username, DEMO_PASSWORD, role, str(account.unit), account.unit.edition))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo users (sign in at /admin/):"))
        for index, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))

    def print_guide(
        self,
        accounts: list[DemoAccount],
        modules: list[tuple[str, ModuleType]],
        *,
        users: dict[str, User],
        current_users: dict[str, User],
        url: str,
    ) -> None:
        """Where to sign in, whom to try first for each role, and what each app suggests looking at."""
        url = url if url.endswith("/") else url + "/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"First steps: sign in at {url}admin/ (password {DEMO_PASSWORD})"))
        self.stdout.write("  Try first, for each role:")
        width = max(len(account.username) for account in accounts)
        for account in accounts:
            if account.hint:
                role = "superuser" if account.superuser else account.role
                self.stdout.write(f"    {account.username.ljust(width)}  {role}: {account.hint}")
        lines: list[str] = []
        for _label, module in modules:
            guide = getattr(module, "guide", None)
            if callable(guide):
                lines += guide(users=users, current_users=current_users, url=url)
        if lines:
            self.stdout.write("  What to look at:")
            for line in lines:
                self.stdout.write(f"    - {line}")


def accepts(function: object, keyword: str) -> bool:
    """Whether ``function`` takes the keyword argument ``keyword`` (by name or through ``**kwargs``)."""
    parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    return any(p.name == keyword or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def demo_modules() -> list[tuple[str, ModuleType]]:
    """``(app_label, module)`` for every installed app that has a ``demo`` module, in seeding order.

    INSTALLED_APPS lists the record apps in the order their demo data builds on (cases; programs,
    which enrols cases' children; outreach, which names programs' models); a module that sets
    ``SEED_AFTER_OTHER_APPS`` comes after all the others. accounts/tests/test_seed_demo.py holds
    the order. An app without a ``demo`` module is skipped; an error raised while importing an
    existing one is not.
    """
    found = [
        (config.label, import_module(f"{config.name}.demo"))
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "demo")
    ]
    # A stable sort: the apps keep their INSTALLED_APPS order within each group.
    return sorted(found, key=lambda item: bool(getattr(item[1], "SEED_AFTER_OTHER_APPS", False)))
