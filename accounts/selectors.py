"""Reads about users that depend on who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from scope.core import is_unrestricted

from .models import User
from .roles import Role, role_outranks


def users_manageable(*, user: User) -> QuerySet[User]:
    """The users ``user`` may manage: in scope, of a lower rank, never a superuser or themselves.

    Every view of the user admin (list, change, password, delete, history, actions,
    autocomplete) starts from this queryset, so a user outside it reads as one that does not
    exist. Whether a manageable user may also be *changed* is the grant rule
    (``accounts.services.user_may_grant``). Superusers manage everyone.
    """
    users = User.objects.visible_to(user)
    if is_unrestricted(user):
        return users
    below = [role for role in Role.values if role_outranks(user.role, role)]
    return users.filter(is_superuser=False, role__in=below).exclude(pk=user.pk)
