"""The base of the export resources of the import kinds (``<app>/resources.py``).

A ``KindResource`` has exactly the columns of its import kind, headed by their Vietnamese
labels, so that an exported file re-imports unchanged. It is a ``ScopedResource``: only the
rows the user may see are exported.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from import_export.fields import Field

from scope.resources import ScopedResource

from .registry import get_spec


def cell(value: Any) -> Any:
    """A value as the import reads it back: dates DD/MM/YYYY, booleans 1/0, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


class KindResource(ScopedResource):
    """Columns of ``import_kind``; each is ``dehydrate_<key>(obj)`` if defined, else ``obj.<key>``."""

    import_kind = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {c.key: Field(column_name=c.label, readonly=True) for c in get_spec(self.import_kind).columns}

    def get_export_order(self) -> tuple[str, ...]:
        return tuple(self.fields)

    def export_field(self, field: Field, instance: Any, **kwargs: Any) -> Any:
        name = next(key for key, f in self.fields.items() if f is field)
        method = getattr(self, f"dehydrate_{name}", None)
        return cell(method(instance) if method else getattr(instance, name))
