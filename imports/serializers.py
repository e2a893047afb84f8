"""API representation of import jobs."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from scope.api import ScopedModelSerializer

from .models import ImportJob
from .registry import kind_choices


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
    kind = serializers.ChoiceField(choices=[])
    file = serializers.FileField()
    commit = serializers.BooleanField(default=False, help_text=_("Apply the file straight away when it has no errors."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read when used, not when the module is imported: the kinds register in ``ready()``.
        self.fields["kind"].choices = kind_choices()
