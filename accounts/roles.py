"""The six roles, and the table of what each may do, merged from every app's ``roles`` module.

A role says *what* a user may do (Django groups and model permissions); the user's unit
says *which rows* (see ``scope.core``). Each app declares the permissions of its own models
in its ``roles`` module; the groups are rebuilt from the merged table (``role_table``) after
every ``migrate``, so a new model's permissions reach the roles without a hand edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_MANAGER = "province_manager", _("Province manager")
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    COLLABORATOR = "collaborator", _("Village collaborator")
    VIEWER = "viewer", _("Viewer (aggregate reports only)")


# Higher rank may hand out lower or equal ranks, never higher ones.
ROLE_RANK: dict[str, int] = {
    Role.PROVINCE_MANAGER: 50,
    Role.PROVINCE_OFFICER: 40,
    Role.DISTRICT_OFFICER: 30,
    Role.COMMUNE_OFFICER: 20,
    Role.COLLABORATOR: 10,
    Role.VIEWER: 5,
}

READ = ["view"]
WRITE = ["view", "add", "change", "delete"]

# Each installed app says what the roles may do with its own models, in a ``roles`` module:
#   ROLE_PERMISSIONS: role -> {app_label or "app_label.model": actions}
#   ROLE_EXTRA_PERMISSIONS: role -> ["app_label.codename"] (permissions not about one model's rows)
#   EVERY_ROLE_PERMISSIONS: {app_label or "app_label.model": actions} for every role
# ``role_table()`` merges them. Below are the parts of accounts itself.
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    Role.PROVINCE_MANAGER: {"accounts.user": WRITE},
}

# Declared on ``accounts.User.Meta``.
ROLE_EXTRA_PERMISSIONS: dict[str, list[str]] = {
    Role.PROVINCE_MANAGER: [
        "accounts.view_reports",
        "accounts.view_personal_data",
        "accounts.export_data",
        "accounts.restore_archived",
    ],
    Role.PROVINCE_OFFICER: [
        "accounts.view_reports",
        "accounts.view_personal_data",
        "accounts.export_data",
        "accounts.import_data",
    ],
    Role.DISTRICT_OFFICER: [
        "accounts.view_reports",
        "accounts.view_personal_data",
        "accounts.export_data",
        "accounts.import_data",
    ],
    Role.COMMUNE_OFFICER: [
        "accounts.view_reports",
        "accounts.view_personal_data",
        "accounts.export_data",
        "accounts.import_data",
    ],
    Role.COLLABORATOR: ["accounts.view_personal_data"],
    Role.VIEWER: ["accounts.view_reports"],
}


def record_app_permissions(app_label: str) -> dict[str, dict[str, list[str]]]:
    """The part of a record app (cases, programs, outreach, imports) in its ``roles`` module.

    The province manager reads its records; the officers of every level write them.
    """
    return {
        Role.PROVINCE_MANAGER: {app_label: READ},
        Role.PROVINCE_OFFICER: {app_label: WRITE},
        Role.DISTRICT_OFFICER: {app_label: WRITE},
        Role.COMMUNE_OFFICER: {app_label: WRITE},
    }


@dataclass(frozen=True)
class RoleTable:
    """What each role may do: the parts of every installed app, merged (``role_table``)."""

    # role -> {app_label or "app_label.model": actions}
    permissions: dict[str, dict[str, list[str]]]
    # role -> ["app_label.codename"]
    extra: dict[str, list[str]]


def role_table() -> RoleTable:
    """The role table of the installed apps: the ``roles`` module of each, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "roles"):
            found.append((config.label, import_module(f"{config.name}.roles")))
    return merge_role_parts(found)


def merge_role_parts(parts: Iterable[tuple[str, Any]]) -> RoleTable:
    """Merge the ``(app_label, roles module)`` parts into one table, every role in it.

    An app speaks only of its own models and of the roles there are: a part naming another app
    or an unknown role stops here, so that a slip never grants or withholds a permission quietly.
    """
    permissions: dict[str, dict[str, list[str]]] = {role: {} for role in Role}
    extra: dict[str, list[str]] = {role: [] for role in Role}

    def own(app_label: str, target: str) -> str:
        if target.partition(".")[0] != app_label:
            raise ImproperlyConfigured(f"{app_label}.roles grants {target!r}, which is not a permission of {app_label}")
        return target

    def known(app_label: str, role: str) -> str:
        if role not in permissions:
            raise ImproperlyConfigured(f"{app_label}.roles names the unknown role {role!r}")
        return role

    for app_label, module in parts:
        for role, table in getattr(module, "ROLE_PERMISSIONS", {}).items():
            for target, actions in table.items():
                permissions[known(app_label, role)][own(app_label, target)] = list(actions)
        for target, actions in getattr(module, "EVERY_ROLE_PERMISSIONS", {}).items():
            for role in Role:
                permissions[role][own(app_label, target)] = list(actions)
        for role, dotted in getattr(module, "ROLE_EXTRA_PERMISSIONS", {}).items():
            extra[known(app_label, role)] += [own(app_label, name) for name in dotted]
    return RoleTable(permissions=permissions, extra=extra)


# Roles whose scope is further narrowed to the rows the user created (see Scope.owner).
OWNER_SCOPED_ROLES = {Role.COLLABORATOR}
# Roles that never see a person's data, only aggregates.
AGGREGATE_ONLY_ROLES = {Role.VIEWER}


def role_can_grant(granter_role: str, role: str) -> bool:
    """Whether the rank of ``granter_role`` reaches ``role`` (at or below it).

    Only half of the grant rule: ``accounts.services.user_may_grant`` also asks that the role
    holds no permission the granter lacks. An unknown role ranks above everything.
    """
    return ROLE_RANK.get(role, 10**6) <= ROLE_RANK.get(granter_role, -1)


def role_outranks(role: str, other: str) -> bool:
    """Whether ``role`` ranks strictly above ``other``: who manages whom.

    A user manages only users of lower rank, so that nobody takes over a peer's account
    (its password, its role) and, through it, the peer's identity in the history.
    """
    return ROLE_RANK.get(other, 10**6) < ROLE_RANK.get(role, -1)
