"""Reads of the cases app that depend on the user: every one starts from ``visible_to(user)``.

The case management figures are ``reports.selectors.case_figures``; the work queue's lists are
``cases.queue``.
"""

from __future__ import annotations

from typing import Any

from .matching import Match, duplicates_of
from .models import Child


def child_duplicates(*, user: Any, child: Child) -> list[Match]:
    """Likely duplicates of ``child`` among the children the user may see."""
    return duplicates_of(child, queryset=Child.objects.visible_to(user))
