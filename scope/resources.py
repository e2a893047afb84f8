"""django-import-export base classes that apply the scope to exports and imports."""

from __future__ import annotations

from typing import Any

from django.db import models
from import_export import resources, widgets

from .core import AnyScopeUser, ensure_in_scope, scoped_choices


# django-import-export ships no type information: its classes are ``Any`` to mypy.
class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):  # type: ignore[misc]
    """A foreign-key widget that only finds rows inside the user's scope."""

    def __init__(
        self, model: type[models.Model], field: str = "pk", *, user: AnyScopeUser | None = None, **kwargs: Any
    ) -> None:
        self.user = user
        super().__init__(model, field, **kwargs)

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> models.QuerySet[Any]:
        choices = scoped_choices(self.model, self.user)
        return self.model._default_manager.all() if choices is None else choices


class ScopedResource(resources.ModelResource):  # type: ignore[misc]  # untyped, as above
    """ModelResource bound to a user: exports only visible rows, imports only in scope.

    The admin passes the user (see ``get_resource_kwargs``); a resource without a user
    exports and imports nothing.
    """

    def __init__(self, *args: Any, user: AnyScopeUser | None = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, ScopedForeignKeyWidget):
                field.widget.user = user

    def get_queryset(self) -> models.QuerySet[Any]:
        rows: models.QuerySet[Any] = self._meta.model._default_manager.visible_to(self.user)
        return rows

    def before_save_instance(self, instance: models.Model, row: Any, **kwargs: Any) -> None:
        ensure_in_scope(instance, self.user)
        super().before_save_instance(instance, row, **kwargs)
