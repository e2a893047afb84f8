"""First-run guide of ``manage.py seed_demo`` for reports: this year's annual summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User


def guide(*, users: dict[str, User], current_users: dict[str, User], url: str) -> list[str]:
    """The annual summary of the current province for this year, and of the legacy province for a past one."""
    year = timezone.localdate().year
    return [
        f"the annual report of {year}: sign in as demo_current_manager and open {url}admin/reports/report/ "
        f"(the legacy province, as demo_province_manager: {url}admin/reports/report/?year=2024)",
    ]
