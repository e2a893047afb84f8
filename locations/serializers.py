from rest_framework import serializers

from .models import Unit


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "level", "edition"]


class UnitSerializer(serializers.ModelSerializer):
    parent = UnitRefSerializer(read_only=True)
    became = serializers.SerializerMethodField(help_text="Current units this legacy unit became (2025 reform).")
    formed_from = serializers.SerializerMethodField(help_text="Legacy units this current unit was formed from.")

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "level",
            "edition",
            "division_type",
            "parent",
            "valid_from",
            "valid_to",
            "became",
            "formed_from",
        ]

    def _links(self, links, end: str) -> list[dict]:
        return [{**UnitRefSerializer(getattr(link, end)).data, "partial": link.is_partial} for link in links]

    def get_became(self, obj: Unit) -> list[dict]:
        return self._links(obj.successor_links.all(), "current")

    def get_formed_from(self, obj: Unit) -> list[dict]:
        return self._links(obj.predecessor_links.all(), "legacy")
