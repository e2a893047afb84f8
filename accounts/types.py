"""The user types of the layers above scope.

``User`` is who writes: services that change records take a signed-in ``User``. ``AnyUser`` is
whom a read is for: selectors, reports and checks also get the anonymous user of a request that
has none, who has no unit and so sees nothing (``scope.core``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

type AnyUser = User | AnonymousUser


def signed_in(user: AnyUser) -> User:
    """``user`` (a request's), for a service that writes: the signed-in user it must be.

    The admin and the API let only signed-in users reach a write, so an anonymous user here is
    refused, never passed on.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def recorded_user(user: AnyUser | None) -> User | None:
    """The user a record names as its author (a history entry, a workflow step, a reporter):
    nobody for an anonymous or unsaved one."""
    from .models import User

    return user if isinstance(user, User) and user.pk else None
