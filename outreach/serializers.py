"""API serializers of outreach events."""

from __future__ import annotations

from rest_framework import serializers

# The module, not the class: the walker checks every serializer class a module holds, bases included.
from scope import api as scoped_api

from .models import EventAttachment, OutreachEvent


class AttachmentSerializer(scoped_api.ScopedModelSerializer):
    class Meta:
        model = EventAttachment
        fields = ["id", "file", "caption", "uploaded_at"]
        read_only_fields = fields


class OutreachEventSerializer(scoped_api.ScopedModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    model_code = serializers.CharField(source="model.code", read_only=True, default=None)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = OutreachEvent
        fields = [
            "id",
            "event_ref",
            "date",
            "unit",
            "unit_code",
            "unit_name",
            "current_unit",
            "kind",
            "venue",
            "topic",
            "participants_total",
            "participants_children",
            "participants_female",
            "organiser",
            "model",
            "model_code",
            "notes",
            "attachments",
            "created_by",
        ]
        read_only_fields = ["current_unit", "created_by"]
