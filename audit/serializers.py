from rest_framework import serializers

from .models import AccessEvent


class AccessEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessEvent
        fields = [
            "id",
            "at",
            "user",
            "username",
            "ip",
            "action",
            "outcome",
            "model",
            "object_id",
            "child_id",
            "case_id",
            "path",
            "query",
            "request_id",
        ]
        read_only_fields = fields
