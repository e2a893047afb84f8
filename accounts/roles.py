"""The six roles, in one declarative table.

A role says *what* a user may do (Django groups and model permissions); the user's unit
says *which rows* (see ``scope.core``). The groups are rebuilt from this table after
every ``migrate``, so a new model's permissions reach the roles without a hand edit.
"""

from __future__ import annotations

from django.db import models
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

# The record apps whose models the working roles manage. A later app adds itself here.
RECORD_APPS = ["cases", "programs", "outreach", "imports"]
READ = ["view"]
WRITE = ["view", "add", "change", "delete"]

# role -> {app_label or "app_label.model": actions}; plus extra "app_label.codename" permissions.
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    Role.PROVINCE_MANAGER: {
        **{app: READ for app in RECORD_APPS},
        "locations": READ,
        "accounts.user": WRITE,
        # The access log of the scope: read only, for everyone (it has no other permission).
        "audit": READ,
        # A manager's override of a missing consent (docs/contract/data-protection.md) is recorded
        # by the manager sending the transfer or referral, with the reason: the one write of cases
        # this role makes.
        "cases.transfer": ["view", "add"],
        "cases.referral": ["view", "add"],
    },
    Role.PROVINCE_OFFICER: {**{app: WRITE for app in RECORD_APPS}, "locations": READ},
    Role.DISTRICT_OFFICER: {**{app: WRITE for app in RECORD_APPS}, "locations": READ},
    Role.COMMUNE_OFFICER: {**{app: WRITE for app in RECORD_APPS}, "locations": READ},
    # A collaborator reports a child (an intake) and sees only what they reported.
    # Consent is asked at intake, so they record it too; withdrawing it is the officers' work.
    Role.COLLABORATOR: {
        "cases.child": ["view", "add"],
        "cases.case": ["view", "add"],
        "cases.consent": ["view", "add"],
        "locations": READ,
    },
    Role.VIEWER: {},
}

# Every role reads its own notifications in the admin (scoped by recipient, not by unit:
# notifications/admin.py; docs/contract/case-work.md, "Notifications").
for _table in ROLE_PERMISSIONS.values():
    _table["notifications.notification"] = ["view"]

# Permissions that are not about one model's rows. Declared on ``accounts.User.Meta``.
ROLE_EXTRA_PERMISSIONS: dict[str, list[str]] = {
    Role.PROVINCE_MANAGER: [
        "accounts.view_reports",
        "accounts.view_personal_data",
        "accounts.export_data",
        "accounts.restore_archived",
        # docs/contract/data-protection.md: a manager's recorded override of a missing consent.
        "cases.share_without_consent",
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
