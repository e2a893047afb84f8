"""What the roles may do with the access log (merged by ``accounts.roles.role_table``).

Audit sits beside accounts in the layers (docs/architecture.md) and does not import it: the role
is named by its value, which ``role_table`` checks against ``accounts.roles.Role``.
"""

from __future__ import annotations

ROLE_PERMISSIONS = {
    # The access log of the scope: read only (it has no other permission), for the province manager.
    "province_manager": {"audit": ["view"]},
}
