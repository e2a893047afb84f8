"""Writes for users and roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from locations.models import Unit

from .models import User
from .roles import ROLE_EXTRA_PERMISSIONS, ROLE_PERMISSIONS, Role, role_can_grant
from .scope import OutOfScope, ensure_in_scope, is_unrestricted


def role_permissions(role: str) -> set[tuple[str, str]]:
    """(app_label, codename) pairs the role grants, expanded from ``ROLE_PERMISSIONS``."""
    wanted: set[tuple[str, str]] = set()
    all_perms = list(Permission.objects.select_related("content_type"))
    for target, actions in ROLE_PERMISSIONS.get(role, {}).items():
        app_label, _sep, model = target.partition(".")
        for perm in all_perms:
            ct = perm.content_type
            if ct.app_label != app_label or (model and ct.model != model):
                continue
            action = perm.codename.split("_", 1)[0]
            if perm.codename == f"{action}_{ct.model}" and action in actions:
                wanted.add((app_label, perm.codename))
    for dotted in ROLE_EXTRA_PERMISSIONS.get(role, []):
        app_label, codename = dotted.split(".")
        wanted.add((app_label, codename))
    return wanted


@transaction.atomic
def role_groups_sync(*, using: str = "default") -> None:
    """Make one group per role hold exactly the permissions of the role table."""
    perms = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.set([perms[key] for key in role_permissions(role) if key in perms])


def role_group(role: str) -> Group:
    group, created = Group.objects.get_or_create(name=role)
    if created:
        role_groups_sync()
    return group


@transaction.atomic
def user_upsert(
    *,
    username: str,
    role: str,
    unit: Unit | None,
    password: str | None = None,
    actor: Any = None,
    **fields: Any,
) -> tuple[User, bool]:
    """Create or update a user with a role and a unit.

    When ``actor`` is given (a manager in the admin), the new role may not rank above the
    actor's and the unit must lie inside the actor's scope.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    if actor is not None:
        user_check_grant(actor=actor, target=None if created else user, role=role, unit=unit)
    user.role = role
    user.unit = unit
    user.is_staff = True
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([role_group(role)])
    return user, created


def _would_see(actor: Any, user: User) -> bool:
    try:
        ensure_in_scope(user, actor)
    except OutOfScope:
        return False
    return True


def user_check_grant(*, actor: Any, target: User | None, role: str, unit: Unit | None) -> None:
    """Refuse a role or unit above the actor's own, or a target outside the actor's scope."""
    if is_unrestricted(actor):
        return
    errors = {}
    if not role_can_grant(actor.role, role):
        errors["role"] = _("You cannot give a role above your own.")
    # The rule that decides which users the actor sees: a grant the actor could not see is refused.
    if unit is None or not _would_see(actor, User(unit=unit, role=role)):
        errors["unit"] = _("Choose a unit inside your own scope.")
    if target is not None and target.is_superuser:
        errors["username"] = _("This user cannot be changed here.")
    if errors:
        raise ValidationError(errors)
    if target is not None:
        ensure_in_scope(target, actor)
