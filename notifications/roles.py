"""What the roles may do with notifications (merged by ``accounts.roles.role_table``)."""

from __future__ import annotations

# Every role reads its own notifications in the admin (scoped by recipient, not by unit:
# notifications/admin.py; docs/contract/case-work.md, "Notifications").
EVERY_ROLE_PERMISSIONS = {"notifications.notification": ["view"]}
