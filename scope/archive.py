"""Archive instead of delete: a user's "delete" of a personal record archives it.

A model becomes archivable by inheriting ``Archivable``; its scoped querysets (see
``scope.core.ScopedQuerySet``) then leave archived rows out of every list, search, report, import
match and scope count, and hides the rows of models that depend on it (a child's survey
records, a case's notes). Archiving takes the record's archivable dependants along (a
child's cases and enrolments, a case's attachments and plans), all with the same
``archived_at``; restoring brings back exactly that batch. Only ``purge_archived`` removes rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .core import _SOFT_DELETES, AnyScopeUser, archive_parents, ensure_in_scope, is_archivable

RESTORE_PERMISSION = "accounts.restore_archived"


def archived_index(name: str) -> models.Index:
    """The partial index of a parent model's archived rows.

    Every queryset of a dependant model leaves out the rows of archived parents by "not among the
    archived ones" (``scope.core.live_q``); archived rows are few, so this index makes that list
    cost nothing, where a scan of the parent table would cost as much as the whole country's data.
    """
    return models.Index(fields=["archived_at"], condition=models.Q(archived_at__isnull=False), name=name)


class Archivable(models.Model):
    """Abstract base of the models whose rows users archive instead of deleting."""

    archived_at = models.DateTimeField(gettext_lazy("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=gettext_lazy("archived by"),
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def validate_unique(self, exclude: Any = None) -> None:
        """Also against archived rows: a value unique in the database stays taken while archived.

        Django checks through the default manager, which does not see archived rows; without
        this, reusing an archived case's number would fail in the database instead of the form.
        """
        super().validate_unique(exclude)
        errors: dict[str, list[str]] = {}
        for field in self._meta.concrete_fields:
            if not field.unique or field.primary_key or (exclude and field.name in exclude):
                continue
            value = getattr(self, field.attname)
            if value in (None, ""):
                continue
            taken = type(self)._base_manager.filter(**{field.attname: value}, archived_at__isnull=False)
            if self.pk is not None:
                taken = taken.exclude(pk=self.pk)
            if taken.exists():
                errors[field.name] = [archived_taken_message(self, field.verbose_name)]
        if errors:
            raise ValidationError(errors)


def archived_taken_message(record: models.Model, field_name: Any) -> str:
    return _("This %(field)s belongs to an archived %(record)s; a province manager can restore it.") % {
        "field": field_name,
        "record": record._meta.verbose_name,
    }


def may_restore(user: AnyScopeUser | None) -> bool:
    """Province managers (and superusers) restore archived records."""
    return bool(user is not None and user.is_active and user.has_perm(RESTORE_PERMISSION))


def archivable_dependants(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, foreign key name) of the archivable models whose rows depend on ``model``'s rows."""
    return [
        (rel.related_model, rel.field.name)
        for rel in model._meta.related_objects
        if (rel.one_to_many or rel.one_to_one)
        and is_archivable(rel.related_model)
        and rel.on_delete not in _SOFT_DELETES
    ]


def hidden_dependants(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, foreign key name) of the non-archivable models hidden while ``model``'s row is archived."""
    return [
        (rel.related_model, rel.field.name)
        for rel in model._meta.related_objects
        if (rel.one_to_many or rel.one_to_one)
        and not is_archivable(rel.related_model)
        and rel.field.name in archive_parents(rel.related_model)
    ]


def _family(
    model: type[models.Model], pks: list[Any], *, archived_at: Any
) -> Iterator[tuple[type[models.Model], list[Any]]]:
    """The rows archived or restored together with ``pks``: themselves and their dependants.

    ``archived_at=None`` walks live rows (to archive them); a timestamp walks the rows of that
    archiving batch (to restore them).
    """
    yield model, pks
    for dependant, fk in archivable_dependants(model):
        found = list(
            dependant._base_manager.filter(**{f"{fk}__in": pks}, archived_at=archived_at).values_list("pk", flat=True)
        )
        if found:
            yield from _family(dependant, found, archived_at=archived_at)


def archive_family(record: models.Model) -> list[tuple[type[models.Model], list[Any]]]:
    """What archiving ``record`` takes along (for the confirmation page), ``record`` first."""
    return list(_family(type(record), [record.pk], archived_at=None))


def describe_family(record: models.Model) -> list[Any]:
    """The record and its dependants as nested display strings (for the confirmation page)."""
    lines: list[Any] = []
    for model, pks in archive_family(record)[1:]:
        for obj in model._base_manager.filter(pk__in=pks)[:50]:
            lines.append(f"{model._meta.verbose_name}: {obj}")
        if len(pks) > 50:
            lines.append(_("… and %(count)s more") % {"count": len(pks) - 50})
    for model, fk in hidden_dependants(type(record)):
        count = model._base_manager.filter(**{fk: record.pk}).count()
        if count:
            lines.append(f"{model._meta.verbose_name_plural}: {count}")
    return [str(record), lines] if lines else [str(record)]


@transaction.atomic
def record_archive(*, record: models.Model, user: AnyScopeUser) -> int:
    """Archive ``record`` and its dependants (scope-checked); returns how many rows were archived."""
    if not is_archivable(type(record)):
        raise TypeError(f"{type(record).__name__} is not archivable")
    ensure_in_scope(record, user)
    now = timezone.now()
    total = 0
    for model, pks in archive_family(record):
        total += model._base_manager.filter(pk__in=pks, archived_at__isnull=True).update(
            archived_at=now, archived_by=user if getattr(user, "pk", None) else None
        )
    record.archived_at = now  # type: ignore[attr-defined]
    return total


@transaction.atomic
def record_restore(*, record: models.Model, user: AnyScopeUser) -> int:
    """Bring back an archived ``record`` with the dependants archived with it; returns the count.

    Refused unless ``user`` may restore; a restored row that would clash with a live one (the
    same personal ID, the same case number) is a validation error, and nothing is restored.
    """
    if not may_restore(user):
        raise PermissionDenied(_("Only a province manager may restore archived records."))
    archived_at = getattr(record, "archived_at", None)
    if archived_at is None:
        return 0
    ensure_in_scope(record, user)
    batch = list(_family(type(record), [record.pk], archived_at=archived_at))
    for model, pks in batch:
        for obj in model._base_manager.filter(pk__in=pks):
            obj.archived_at = None  # type: ignore[attr-defined]
            obj.validate_constraints()
            obj.validate_unique()
    total = 0
    for model, pks in batch:
        total += model._base_manager.filter(pk__in=pks).update(archived_at=None, archived_by=None)
    record.archived_at = None  # type: ignore[attr-defined]
    return total


def archivable_models() -> list[type[models.Model]]:
    from django.apps import apps

    return [model for model in apps.get_models() if is_archivable(model)]


def archived_purge(*, older_than_days: int) -> tuple[dict[str, int], dict[str, int]]:
    """Remove rows archived more than ``older_than_days`` ago; returns (removed, kept) counts by model.

    A row is removed with what depends on it and is not history (a child's survey records, a
    case's notes); history (change records, case steps) and attendance are kept, so a row
    that attendance protects stays archived and is counted as kept. Its files go too.
    """
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    removed: dict[str, int] = {}
    progress = True
    # Dependants first: a child waits until its archived cases are gone, hence the passes.
    while progress:
        progress = False
        for model in archivable_models():
            for obj in model._base_manager.filter(archived_at__lt=cutoff):
                files = [getattr(obj, f.name) for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
                try:
                    with transaction.atomic():
                        _count, by_model = model._base_manager.filter(pk=obj.pk).delete()
                except (models.ProtectedError, models.RestrictedError):
                    continue
                for label, count in by_model.items():
                    removed[label] = removed.get(label, 0) + count
                for file in files:
                    if file:
                        file.storage.delete(file.name)
                progress = True
    kept = {
        model._meta.label: count
        for model in archivable_models()
        if (count := model._base_manager.filter(archived_at__lt=cutoff).count())
    }
    return removed, kept
