"""What the roles may do with the records of cases (merged by ``accounts.roles.role_table``)."""

from __future__ import annotations

from accounts.roles import Role, record_app_permissions

ROLE_PERMISSIONS = record_app_permissions("cases")
# A manager's override of a missing consent (docs/contract/data-protection.md) is recorded by the
# manager sending the transfer or referral, with the reason: the one write of cases this role makes.
ROLE_PERMISSIONS[Role.PROVINCE_MANAGER] |= {"cases.transfer": ["view", "add"], "cases.referral": ["view", "add"]}
# A collaborator reports a child (an intake) and sees only what they reported.
# Consent is asked at intake, so they record it too; withdrawing it is the officers' work.
ROLE_PERMISSIONS[Role.COLLABORATOR] = {
    "cases.child": ["view", "add"],
    "cases.case": ["view", "add"],
    "cases.consent": ["view", "add"],
}

ROLE_EXTRA_PERMISSIONS = {
    # docs/contract/data-protection.md: a manager's recorded override of a missing consent
    # (declared on ``cases.Consent.Meta``).
    Role.PROVINCE_MANAGER: ["cases.share_without_consent"],
}
