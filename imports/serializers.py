"""API representation of import jobs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from scope.api import ScopedModelSerializer

from .models import ImportJob, Kind


class ImportJobListSerializer(ScopedModelSerializer):
    """A job in a list: its counts without the errors and duplicates (up to thousands per job)."""

    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)
    counts = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "file_name",
            "file_hash",
            "file_size",
            "status",
            "phase",
            "created_by",
            "created_at",
            "started_at",
            "heartbeat_at",
            "finished_at",
            "committed_at",
            "counts",
            "error_count",
            "message",
        ]
        read_only_fields = fields

    def get_counts(self, job: ImportJob) -> dict[str, int]:
        return {
            "read": job.rows_read,
            "valid": job.rows_valid,
            "invalid": job.rows_invalid,
            "new": job.rows_new,
            "updated": job.rows_updated,
            "unchanged": job.rows_unchanged,
        }


class ImportJobSerializer(ImportJobListSerializer):
    """One job with its errors (the first ``MAX_ERRORS_KEPT``) and probable duplicates."""

    class Meta(ImportJobListSerializer.Meta):
        fields = [*ImportJobListSerializer.Meta.fields, "errors", "duplicates"]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    file = serializers.FileField()
    commit = serializers.BooleanField(default=False, help_text=_("Apply the file straight away when it has no errors."))
