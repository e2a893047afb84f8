"""The role table merged from every app's ``roles`` module: the contract of what each role may do."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.roles import Role, merge_role_parts, role_table

READ = ["view"]
WRITE = ["view", "add", "change", "delete"]

# The table as the roles grant it: changing a role's permissions is a decision, made here too.
PERMISSIONS = {
    "province_manager": {
        "accounts.user": WRITE,
        "audit": READ,
        "cases": READ,
        "cases.referral": ["view", "add"],
        "cases.transfer": ["view", "add"],
        "imports": READ,
        "locations": READ,
        "notifications.notification": READ,
        "outreach": READ,
        "programs": READ,
    },
    "province_officer": {
        "cases": WRITE,
        "imports": WRITE,
        "locations": READ,
        "notifications.notification": READ,
        "outreach": WRITE,
        "programs": WRITE,
    },
    "district_officer": {
        "cases": WRITE,
        "imports": WRITE,
        "locations": READ,
        "notifications.notification": READ,
        "outreach": WRITE,
        "programs": WRITE,
    },
    "commune_officer": {
        "cases": WRITE,
        "imports": WRITE,
        "locations": READ,
        "notifications.notification": READ,
        "outreach": WRITE,
        "programs": WRITE,
    },
    "collaborator": {
        "cases.case": ["view", "add"],
        "cases.child": ["view", "add"],
        "cases.consent": ["view", "add"],
        "locations": READ,
        "notifications.notification": READ,
    },
    "viewer": {"notifications.notification": READ},
}
OFFICER_EXTRA = ["accounts.view_reports", "accounts.view_personal_data", "accounts.export_data", "accounts.import_data"]
EXTRA = {
    "province_manager": [
        "accounts.view_reports",
        "accounts.view_personal_data",
        "accounts.export_data",
        "accounts.restore_archived",
        "cases.share_without_consent",
    ],
    "province_officer": OFFICER_EXTRA,
    "district_officer": OFFICER_EXTRA,
    "commune_officer": OFFICER_EXTRA,
    "collaborator": ["accounts.view_personal_data"],
    "viewer": ["accounts.view_reports"],
}


def test_the_merged_table_is_the_roles_contract():
    table = role_table()
    assert table.permissions == PERMISSIONS
    assert table.extra == EXTRA


def test_every_role_is_in_the_table_even_one_no_app_names():
    table = merge_role_parts([])
    assert list(table.permissions) == list(Role) and list(table.extra) == list(Role)
    assert all(value == {} for value in table.permissions.values())


def test_the_parts_of_the_apps_add_up():
    parts = [
        ("first", SimpleNamespace(ROLE_PERMISSIONS={Role.VIEWER: {"first.thing": READ}})),
        ("second", SimpleNamespace(EVERY_ROLE_PERMISSIONS={"second": READ})),
        ("third", SimpleNamespace(ROLE_EXTRA_PERMISSIONS={"viewer": ["third.see_all"]})),
    ]
    table = merge_role_parts(parts)
    assert table.permissions[Role.VIEWER] == {"first.thing": READ, "second": READ}
    assert table.permissions[Role.COLLABORATOR] == {"second": READ}
    assert table.extra[Role.VIEWER] == ["third.see_all"] and table.extra[Role.COLLABORATOR] == []


@pytest.mark.parametrize(
    "part",
    [
        SimpleNamespace(ROLE_PERMISSIONS={Role.VIEWER: {"cases.case": READ}}),
        SimpleNamespace(EVERY_ROLE_PERMISSIONS={"cases": READ}),
        SimpleNamespace(ROLE_EXTRA_PERMISSIONS={Role.VIEWER: ["cases.share_without_consent"]}),
        # "outreachx" begins like "outreach" but is another app.
        SimpleNamespace(ROLE_PERMISSIONS={Role.VIEWER: {"outreachx": READ}}),
    ],
)
def test_an_app_grants_only_permissions_of_its_own_models(part):
    with pytest.raises(ImproperlyConfigured, match="not a permission of outreach"):
        merge_role_parts([("outreach", part)])


@pytest.mark.parametrize(
    "part",
    [
        SimpleNamespace(ROLE_PERMISSIONS={"province_managr": {"outreach": READ}}),
        SimpleNamespace(ROLE_EXTRA_PERMISSIONS={"admin": ["outreach.see_all"]}),
    ],
)
def test_a_role_that_does_not_exist_stops_the_merge(part):
    with pytest.raises(ImproperlyConfigured, match="unknown role"):
        merge_role_parts([("outreach", part)])
