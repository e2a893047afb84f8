"""First-run guide of ``manage.py seed_demo`` for imports: a sample file to try (``samples/``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User


def guide(*, users: dict[str, User], current_users: dict[str, User], url: str) -> list[str]:
    """Where to try an import with a sample file shipped in ``samples/``."""
    return [
        f"an import: sign in as demo_commune_officer, open {url}admin/cases/child/, choose the import button and "
        "upload samples/children.csv (every kind has a sample in samples/; see samples/README.md)",
    ]
