"""Writes for users and roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from locations.models import Unit
from scope.core import OutOfScope, ensure_in_scope, is_unrestricted, not_found_message

from .models import User
from .roles import Role, role_can_grant, role_table
from .selectors import users_manageable


def role_permissions(role: str) -> set[tuple[str, str]]:
    """(app_label, codename) pairs the role grants, expanded from the role table of the apps."""
    table = role_table()
    wanted: set[tuple[str, str]] = set()
    all_perms = list(Permission.objects.select_related("content_type"))
    for target, actions in table.permissions.get(role, {}).items():
        app_label, _sep, model = target.partition(".")
        for perm in all_perms:
            ct = perm.content_type
            if ct.app_label != app_label or (model and ct.model != model):
                continue
            action = perm.codename.split("_", 1)[0]
            if perm.codename == f"{action}_{ct.model}" and action in actions:
                wanted.add((app_label, perm.codename))
    for dotted in table.extra.get(role, []):
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

    When ``actor`` is given (a manager in the admin), the grant rule applies
    (``user_check_grant``). A password must pass the password validators.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    if actor is not None:
        user_check_grant(actor=actor, target=None if created else user, role=role, unit=unit)
        if fields.get("is_superuser") and not is_unrestricted(actor):
            raise ValidationError({"is_superuser": _("Only a superuser can make a user a superuser.")})
    user.role = role
    user.unit = unit
    user.is_staff = True
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user_validate_password(user=user, password=password)
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([role_group(role)])
    return user, created


@transaction.atomic
def user_save(*, user: User, actor: Any) -> User:
    """Save a user edited in a form (the admin): the grant rule, staff access, the role's group.

    The form has already set the fields (and, on creation, the validated password).
    """
    user_check_grant(actor=actor, target=user if user.pk else None, role=user.role, unit=user.unit)
    user.is_staff = True
    user.full_clean(exclude=["password"])
    user.save()
    if user.role:
        user.groups.set([role_group(user.role)])
    return user


def user_validate_password(*, user: User, password: str) -> None:
    """Run the configured password validators; their messages go under ``password``."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _would_see(actor: Any, user: User) -> bool:
    try:
        ensure_in_scope(user, actor)
    except OutOfScope:
        return False
    return True


def user_may_grant(*, actor: Any, role: str) -> bool:
    """Whether ``actor`` may give ``role`` to a user (or keep changing a user who holds it).

    Rank alone is not enough: a read-only manager who could hand out an officer's role could
    work through that officer. The role must rank at or below the actor's and hold no
    permission the actor lacks. Superusers give any role.
    """
    if is_unrestricted(actor):
        return True
    if role not in Role.values or not role_can_grant(getattr(actor, "role", ""), role):
        return False
    held = actor.get_all_permissions()
    return all(f"{app_label}.{codename}" in held for app_label, codename in role_permissions(role))


def user_check_grant(*, actor: Any, target: User | None, role: str, unit: Unit | None) -> None:
    """The one rule for giving a role and a unit, applied by the admin, the services and the CLI.

    Nobody changes their own role or unit. Otherwise, unless the actor is a superuser: the
    target must be a user the actor manages (``users_manageable``) whose current role the
    actor may give, and the new role and unit must be ones the actor may give
    (``user_may_grant``, and a unit inside the actor's scope).
    """
    stored = _stored_role_and_unit(target)
    if stored is not None and target is not None and actor is not None and target.pk == actor.pk:
        if stored != (role, unit.pk if unit is not None else None):
            raise ValidationError(_("You cannot change your own role or unit; ask another manager."))
    if is_unrestricted(actor):
        return
    if target is not None and target.pk is not None:
        if not users_manageable(user=actor).filter(pk=target.pk).exists():
            # Worded like a missing user: who exists above the actor is none of their business.
            raise OutOfScope({"username": not_found_message(User)})
        if stored is not None and not user_may_grant(actor=actor, role=stored[0]):
            raise ValidationError(
                {"username": _("This user holds permissions that you do not have; you cannot change them.")}
            )
    errors = {}
    if not role_can_grant(actor.role, role):
        errors["role"] = _("You cannot give a role above your own.")
    elif not user_may_grant(actor=actor, role=role):
        errors["role"] = _("You cannot give a role with permissions that you do not have yourself.")
    # The rule that decides which users the actor sees: a grant the actor could not see is refused.
    if unit is None or not _would_see(actor, User(unit=unit, role=role)):
        errors["unit"] = _("Choose a unit inside your own scope.")
    if errors:
        raise ValidationError(errors)


def _stored_role_and_unit(target: User | None) -> tuple[str, int | None] | None:
    """The role and unit id saved for ``target``, before the change being checked."""
    if target is None or target.pk is None:
        return None
    return User.objects.filter(pk=target.pk).values_list("role", "unit_id").first()
