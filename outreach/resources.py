"""Export columns of outreach events (the ``events`` import kind's columns)."""

from __future__ import annotations

from imports.resources import KindResource

from .models import OutreachEvent


class OutreachEventResource(KindResource):
    import_kind = "events"

    class Meta:
        model = OutreachEvent
        fields: tuple[str, ...] = ()

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "model")

    def dehydrate_unit_code(self, e: OutreachEvent) -> str:
        return e.unit.code

    def dehydrate_model_code(self, e: OutreachEvent) -> str:
        return e.model.code if e.model else ""
