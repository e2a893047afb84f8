"""API serializers of protection models and attendance."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

# The module, not the class: the walker checks every serializer class a module holds, bases included.
from scope import api as scoped_api

from .models import Attendance, ModelMember, ProtectionModel


class MemberSerializer(scoped_api.ScopedModelSerializer):
    class Meta:
        model = ModelMember
        fields = ["id", "name", "role", "sex", "joined_on", "left_on", "child"]
        read_only_fields = fields


class ProtectionModelSerializer(scoped_api.ScopedModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status = serializers.SerializerMethodField(help_text="planned, active or ended, today.")
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = ProtectionModel
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "unit",
            "unit_code",
            "unit_name",
            "current_unit",
            "host",
            "decision_no",
            "decision_date",
            "established_on",
            "ended_on",
            "status",
            "members_count",
            "members",
            "notes",
        ]
        read_only_fields = ["current_unit"]

    def get_status(self, obj: ProtectionModel) -> str:
        return obj.status_on(timezone.localdate())


class AttendanceSerializer(scoped_api.ScopedModelSerializer):
    child_name = serializers.CharField(source="enrolment.display_name", read_only=True)
    child_ref = serializers.CharField(source="enrolment.child_ref", read_only=True)
    model = serializers.IntegerField(source="enrolment.model_id", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "enrolment", "model", "child_name", "child_ref", "date", "present", "services", "recorded_by"]
        read_only_fields = ["recorded_by"]
        # One row per child and day is checked by the service (full_clean), with the field named.
        validators: list[Any] = []
