"""The one scoping mechanism: which rows a user may see and write.

Every scoped model declares how it reaches its administrative unit::

    class Child(models.Model):
        scope = Scope(unit="commune", current="current_commune", owner="reported_by")
        objects = ScopedQuerySet.as_manager()

``Model.objects.visible_to(user)`` is the read side, ``ensure_in_scope(instance, user)`` the
write side. Both fail closed: no user, an inactive user, or a user without a unit sees and
writes nothing; only superusers see everything. The admin, API, import/export and filter
base classes all call these two functions, and the tests in ``tests/`` walk every
registered surface to prove it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeGuard

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from locations.models import Unit, UnitQuerySet


@dataclass(frozen=True)
class Scope:
    """How a model reaches the unit that scopes it.

    ``unit``: lookup path to the unit the record was recorded on (e.g. ``"commune"`` or
    ``"case__commune"``). ``current``: lookup path to its current commune after the 2025
    reform, so users of current units see legacy records that converted into their unit.
    ``owner``: lookup path to the user who reported the record; for owner-scoped roles
    (collaborators) only their own rows are visible.
    """

    unit: str
    current: str | None = None
    owner: str | None = None


class OutOfScope(ValidationError):
    """Raised when a write names a unit or record outside the user's scope."""


class ScopeUser(Protocol):
    """What scope reads from a signed-in user (``accounts.User`` is one).

    Scope sits below the accounts app and knows a user only by these attributes. Django's
    anonymous user has none of the unit ones (it never has a unit, so it sees nothing):
    functions that may be given one take ``AnyScopeUser``.
    """

    @property
    def pk(self) -> int | None: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_superuser(self) -> bool: ...
    @property
    def unit(self) -> Unit | None: ...
    @property
    def sees_only_own_records(self) -> bool: ...
    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool: ...


# Whom a scope check is about: a signed-in user or a request's anonymous user.
type AnyScopeUser = ScopeUser | AnonymousUser


def is_unrestricted(user: AnyScopeUser | None) -> bool:
    return bool(user is not None and user.is_active and user.is_superuser)


def is_signed_in(user: AnyScopeUser | None) -> TypeGuard[ScopeUser]:
    """Whether ``user`` is a signed-in user (not ``None``, not Django's anonymous user)."""
    return bool(getattr(user, "is_authenticated", False))


def user_unit(user: AnyScopeUser | None) -> Unit | None:
    if not is_signed_in(user) or not user.is_active:
        return None
    # Read with a default: whatever the type says, a user without a unit sees nothing.
    return getattr(user, "unit", None)


def units_in_scope(user: AnyScopeUser | None) -> UnitQuerySet:
    """Units at or below the user's unit (all units for a superuser, none without a unit).

    A user of a current (post-2025) unit also gets the legacy units that converted into it:
    every legacy commune with a successor in it, and every legacy district or province all of
    whose communes did (the whole of Kon Tum for the new province, not for one ward of it),
    so that old records stay reachable after the reform and nothing beyond them does.
    """
    from locations.models import Unit, UnitConversion

    if is_unrestricted(user):
        return Unit.objects.all()
    unit = user_unit(user)
    if unit is None:
        return Unit.objects.none()
    own = Unit.objects.at_or_below(unit)
    if unit.edition != Unit.Edition.CURRENT:
        return own
    formed_from = Unit.objects.filter(successor_links__current__in=own.values("pk"))
    # Legacy communes with a successor outside the unit: their district and province are not wholly in it.
    partly_outside = Unit.objects.filter(
        pk__in=UnitConversion.objects.exclude(current__in=own.values("pk")).values("legacy_id")
    )
    wholly_in = Unit.objects.filter(
        Q(pk__in=formed_from.values("district_id")) | Q(pk__in=formed_from.values("province_id"))
    ).exclude(Q(pk__in=partly_outside.values("district_id")) | Q(pk__in=partly_outside.values("province_id")))
    return Unit.objects.filter(
        Q(pk__in=own.values("pk")) | Q(pk__in=formed_from.values("pk")) | Q(pk__in=wholly_in.values("pk"))
    )


def units_reached(user: AnyScopeUser | None) -> UnitQuerySet:
    """Units whose records ``user`` sees and writes: at or below the user's unit.

    A record is in scope when its recorded unit or its current unit is one of these (see
    ``unit_q``). ``units_in_scope`` is wider: the units a user may *name*, legacy ones included.
    """
    from locations.models import Unit

    if is_unrestricted(user):
        return Unit.objects.all()
    unit = user_unit(user)
    return Unit.objects.none() if unit is None else Unit.objects.at_or_below(unit)


def declared_scope(model: type[models.Model]) -> Scope | None:
    """The ``Scope`` a model class declares, ``None`` for unscoped (reference) models."""
    scope = getattr(model, "scope", None)
    if scope is not None and not isinstance(scope, Scope):
        raise TypeError(f"{model.__name__}.scope must be a Scope, not {type(scope).__name__}")
    return scope


def model_scope(model: type[models.Model]) -> Scope:
    """The ``Scope`` of a model that must be scoped; a model without one is a programming error."""
    scope = declared_scope(model)
    if scope is None:
        raise TypeError(f"{model.__name__} declares no scope")
    return scope


def scope_q(model: type[models.Model], user: AnyScopeUser | None) -> Q | None:
    """The filter that restricts ``model`` to ``user``; ``None`` means "nothing"."""
    scope = model_scope(model)
    unit = user_unit(user)
    if unit is None or not is_signed_in(user):
        return None
    q = unit_q(model, unit)
    if scope.owner and user.sees_only_own_records:
        q &= Q(**{scope.owner: user})
    elif user.sees_only_own_records:
        # A collaborator sees only what they reported; a model without an owner shows nothing.
        return None
    return q


def unit_q(model: type[models.Model], unit: Unit) -> Q:
    """Rows of ``model`` recorded at or below ``unit``, or whose current unit is.

    The second half makes a current (post-2025) unit include the legacy records that
    converted into it. Used by scope and by reports ("in unit U").
    """
    from locations.models import Unit

    scope = model_scope(model)
    own_ids = Unit.objects.at_or_below(unit).values("pk")
    q = Q(**{f"{scope.unit}__in": own_ids})
    if scope.current:
        q |= Q(**{f"{scope.current}__in": own_ids})
    return q


class ScopedQuerySet[M: models.Model](models.QuerySet[M]):
    """QuerySet of a scoped model; use ``ScopedQuerySet.as_manager()`` as the default manager.

    Archived rows, and rows whose parent is archived, are gone from every queryset the
    model's managers start (lists, searches, reports, import matches, scope counts): the
    filter is added when a queryset starts from scratch, and kept by every clone of it.
    ``with_archived(model)`` is the way back, for the managers' "archived" list and restore.
    """

    def __init__(self, model: Any = None, query: Any = None, using: Any = None, hints: Any = None) -> None:
        fresh = query is None
        super().__init__(model=model, query=query, using=using, hints=hints)
        if fresh and model is not None:
            live = live_q(model)
            if live:
                self._query.add_q(live)  # type: ignore[attr-defined]

    def visible_to(self, user: AnyScopeUser | None) -> Self:
        """The rows ``user`` may see. Fail closed: no unit, no rows."""
        if is_unrestricted(user):
            return self.all()
        q = scope_q(self.model, user)
        if q is None:
            return self.none()
        if _crosses_many(self.model):
            # A subquery instead of DISTINCT keeps the queryset combinable and countable.
            return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))
        return self.filter(q)

    def in_unit(self, unit: Unit) -> Self:
        """Rows at or below ``unit`` (through the current unit too); for reports, not scope."""
        return self.filter(unit_q(self.model, unit))


def _crosses_many(model: type[models.Model]) -> bool:
    """Whether the scope path crosses a to-many relation (needs DISTINCT)."""
    scope = model_scope(model)
    for path in filter(None, [scope.unit, scope.current]):
        current: type[models.Model] | None = model
        for part in path.split("__"):
            if current is None:
                raise TypeError(f"{model.__name__}.scope: {path!r} steps through a field that is not a relation")
            field = current._meta.get_field(part)
            if field.many_to_many or field.one_to_many:
                return True
            current = field.related_model
    return False


def is_archivable(model: type[models.Model]) -> bool:
    """Whether deleting a row of ``model`` archives it (the model has ``archived_at``)."""
    return any(f.name == "archived_at" for f in model._meta.concrete_fields)


_SOFT_DELETES = (models.SET_NULL, models.SET_DEFAULT, models.DO_NOTHING)


def archive_parents(model: type[models.Model]) -> list[str]:
    """Foreign keys of ``model`` to archivable rows it depends on (a delete would take it along).

    A row of a non-archivable model (a survey record, a case note) is hidden while its
    parent is archived; a mere reference (``on_delete=SET_NULL``) does not hide it.
    """
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.many_to_one
        and field.related_model is not None
        and is_archivable(field.related_model)
        and getattr(field.remote_field, "on_delete", None) not in _SOFT_DELETES
    ]


def live_q(model: type[models.Model]) -> Q:
    """The filter that keeps the rows of ``model`` that are not archived (``Q()``: all)."""
    if is_archivable(model):
        return Q(archived_at__isnull=True)
    q = Q()
    for name in archive_parents(model):
        parent = model._meta.get_field(name).related_model
        # "Not among the archived parents", not "the parent is not archived": archived rows are
        # few (a small hashed list, from a partial index), where the join would read every parent
        # (all the country's children for one province's survey records).
        archived = parent._base_manager.filter(archived_at__isnull=False).values("pk")  # type: ignore[union-attr]
        q &= ~Q(**{f"{name}__in": archived})
    return q


def with_archived[M: models.Model](model: type[M]) -> ScopedQuerySet[M]:
    """All rows of a scoped model, archived ones included; for the "archived" list and restore."""
    from django.db.models.sql import Query

    manager = model._default_manager
    queryset_class = getattr(manager, "_queryset_class", ScopedQuerySet)
    # A query given from the start is not "fresh": the archived rows stay in.
    return queryset_class(model=model, query=Query(model), using=manager._db)


def scoped_queryset[M: models.Model](model: type[M]) -> ScopedQuerySet[M]:
    """All rows of a scoped model, from its default manager, which must be scoped."""
    queryset = model._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet):
        raise TypeError(f"the default manager of {model.__name__} does not return a ScopedQuerySet")
    return queryset


def scoped_choices(model: type[models.Model], user: AnyScopeUser | None) -> models.QuerySet[Any] | None:
    """The rows of ``model`` that ``user`` may pick in a form, filter or API field.

    ``None`` means the model is unscoped reference data (categories, kinds) and any row
    may be picked.
    """
    from locations.models import Unit

    if model is Unit:
        return units_in_scope(user)
    if model is _user_model() or declared_scope(model) is not None:
        return scoped_queryset(model).visible_to(user)
    return None


def restrict_to[M: models.Model](queryset: models.QuerySet[M], user: AnyScopeUser | None) -> models.QuerySet[M] | None:
    """The rows of ``queryset`` that ``user`` may see; ``None`` for unscoped reference data.

    A scoped model's rows go through its ``visible_to``; units (reference data, but choosing one
    is choosing a scope) through ``units_in_scope``. The surfaces' bases call this one function.
    """
    if isinstance(queryset, ScopedQuerySet):
        return queryset.visible_to(user)
    choices = scoped_choices(queryset.model, user)
    return None if choices is None else queryset.filter(pk__in=choices.values("pk"))


def _resolve_path(instance: models.Model, path: str) -> list[Any]:
    """The objects ``path`` leads to from ``instance``: none, one, or several across a to-many step."""
    values: list[Any] = [instance]
    for part in path.split("__"):
        reached: list[Any] = []
        for value in values:
            try:
                step = getattr(value, part)
            except ObjectDoesNotExist:
                # An unset required relation (a form that already refused the value) reads as "none".
                continue
            if isinstance(step, models.Manager):
                # A to-many step (a legacy commune's successors): an unsaved instance has none yet.
                reached.extend(step.all() if getattr(value, "pk", None) is not None else ())
            elif step is not None:
                reached.append(step)
        values = reached
    return values


def ensure_in_scope(instance: models.Model, user: AnyScopeUser | None) -> None:
    """Refuse a write that reaches outside ``user``'s scope.

    Checks the instance's own unit (through its ``Scope``) and every foreign key to a unit,
    a user or another scoped model. Called by every service before it saves; raises
    ``OutOfScope`` with the offending field, worded like "does not exist" on purpose.
    """
    if is_unrestricted(user):
        return
    own_unit = user_unit(user)
    if own_unit is None or not is_signed_in(user):
        raise OutOfScope(_("Your account has no unit assigned; ask a manager to assign one."))
    errors: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        if not field.is_relation or not field.many_to_one:
            continue
        value_id = getattr(instance, field.attname)
        related = field.related_model
        if value_id is None or related is None:
            continue
        if related is _user_model() or field.name in _ignored_fk_names(instance):
            # Who did something (reported_by, created_by) is a fact, not a scope.
            continue
        choices = scoped_choices(related, user)
        if choices is None:
            continue
        if not choices.filter(pk=value_id).exists():
            errors[field.name] = not_found_message(related)
    scope = declared_scope(type(instance))
    if scope is not None and not errors:
        allowed = units_reached(user)
        units = _resolve_path(instance, scope.unit)
        in_scope = bool(units) and allowed.filter(pk__in=[u.pk for u in units]).exists()
        if not in_scope and scope.current:
            currents = _resolve_path(instance, scope.current)
            in_scope = bool(currents) and allowed.filter(pk__in=[u.pk for u in currents]).exists()
        if not in_scope:
            errors[scope.unit.split("__")[0]] = not_found_message(type(instance))
        if user.sees_only_own_records:
            # As on the read side: nothing of a model without an owner, and only rows the user
            # reported (a new row, still without one, gets its reporter when it is saved).
            owners = _resolve_path(instance, scope.owner) if scope.owner else None
            if owners is None or (owners and owners[0].pk != user.pk):
                errors[(scope.owner or scope.unit).split("__")[0]] = not_found_message(type(instance))
    if errors:
        raise OutOfScope(errors)


def _user_model() -> type[models.Model]:
    from django.contrib.auth import get_user_model

    return get_user_model()


def _ignored_fk_names(instance: models.Model) -> Iterable[str]:
    """Extra FKs a model exempts from the scope check (``scope_exempt_fields``)."""
    return getattr(type(instance), "scope_exempt_fields", ())


def not_found_message(model: type[models.Model]) -> str:
    return _("The selected %(name)s does not exist.") % {"name": model._meta.verbose_name}
