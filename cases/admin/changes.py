"""The history of changes (``ChangeRecord``) on the child's and the case's pages: read-only."""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from scope.admin import ScopedTabularInline

from ..models import ChangeRecord
from .base import ReadOnlyInlineMixin


class HistoryInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = ChangeRecord
    # Annotated so that the inline of a case may show fewer columns.
    fields: ClassVar[tuple[str, ...]] = ("at", "user", "action", "case", "what_changed")
    readonly_fields = fields
    verbose_name_plural = _("history of changes")
    list_select_related: tuple[str, ...] = ("user", "case__child")

    @admin.display(description=_("what changed"))
    def what_changed(self, obj: ChangeRecord) -> str:
        rows = format_html_join(
            "", "<li><b>{}</b>: {} → {}</li>", ((k, v[0] or "—", v[1] or "—") for k, v in obj.changes.items())
        )
        return format_html("{}<ul>{}</ul>", obj.summary, rows)


class CaseHistoryInline(HistoryInline):
    fk_name = "case"
    fields = readonly_fields = ("at", "user", "action", "what_changed")
    list_select_related = ("user",)
