"""What the roles may do with the administrative units (merged by ``accounts.roles.role_table``).

Locations lies below accounts (docs/architecture.md) and does not import it: the roles are named
by their values, which ``role_table`` checks against ``accounts.roles.Role``.
"""

from __future__ import annotations

# Every role that works with children's records reads the units; the viewer sees only aggregates.
ROLE_PERMISSIONS = {
    role: {"locations": ["view"]}
    for role in ["province_manager", "province_officer", "district_officer", "commune_officer", "collaborator"]
}
