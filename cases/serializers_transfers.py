"""API representations of transfers and referrals (docs/contract/case-work.md).

The receiving side of a pending transfer sees only the child's name, age and sex, the reason, the
units and the dates: not the case file, the personal ID or a link to the case.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from locations.models import Unit

from .referrals import Referral, ReferralStep
from .transfers import Transfer


class TodaysCommuneField(serializers.SlugRelatedField):
    """A commune by code, among those valid today: the target of a transfer lies outside the scope."""

    default_error_messages = {
        "does_not_exist": _("No commune valid today has the code “{value}”."),
        "invalid": _("Give the code of a commune."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return Unit.objects.valid_on(timezone.localdate()).filter(level=Unit.Level.COMMUNE)


class TransferRequestSerializer(serializers.Serializer):
    to_unit = TodaysCommuneField()
    reason = serializers.CharField()
    consent_override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class TransferAcceptSerializer(serializers.Serializer):
    assign_to = serializers.CharField(required=False, allow_blank=True, default="")


class TransferRejectSerializer(serializers.Serializer):
    reason = serializers.CharField()


class TransferSerializer(serializers.ModelSerializer):
    """What both sides see of a transfer. ``case`` is the case's id only for a user who sees the case."""

    from_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    from_unit_name = serializers.CharField(source="from_unit.name", read_only=True)
    to_unit_name = serializers.CharField(source="to_unit.name", read_only=True)
    child_name = serializers.CharField(source="case.child.full_name", read_only=True)
    child_age = serializers.SerializerMethodField()
    child_sex = serializers.CharField(source="case.child.sex", read_only=True)
    case = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = [
            "id",
            "status",
            "case",
            "child_name",
            "child_age",
            "child_sex",
            "reason",
            "from_unit",
            "from_unit_name",
            "to_unit",
            "to_unit_name",
            "requested_at",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields

    def get_child_age(self, obj: Transfer) -> int:
        return obj.case.child.age_on(timezone.localdate())

    def get_case(self, obj: Transfer) -> int | None:
        visible = self.context.get("visible_case_ids")
        return obj.case_id if visible is not None and obj.case_id in visible else None


class ReferralStepSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ReferralStep
        fields = ["from_status", "to_status", "at", "user", "note"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    steps = ReferralStepSerializer(many=True, read_only=True)
    sent_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "service",
            "provider",
            "reason",
            "due_on",
            "status",
            "shares_file",
            "sent_by",
            "sent_at",
            "answered_at",
            "consent_override_reason",
            "steps",
        ]
        read_only_fields = fields


class ReferralRequestSerializer(serializers.Serializer):
    service = serializers.ChoiceField(choices=Referral.Service.choices)
    provider = serializers.CharField()
    reason = serializers.CharField()
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    shares_file = serializers.BooleanField(required=False, default=True)
    consent_override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
