"""What the roles may do with the records of imports (merged by ``accounts.roles.role_table``)."""

from __future__ import annotations

from accounts.roles import record_app_permissions

ROLE_PERMISSIONS = record_app_permissions("imports")
