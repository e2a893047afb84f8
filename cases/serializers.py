"""API representations of children and cases; sensitive fields only with ``view_personal_data``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from rest_framework import serializers

from locations.models import Unit
from scope import api as scoped_api
from scope.api import ScopedSlugRelatedField

from .consent import Consent
from .identifiers import HELD_FIELDS
from .models import AbuseForm, AbuseSetting, Case, CaseTransition, Category, Child, Incident, RiskFactor
from .serializers_transfers import ReferralSerializer

if TYPE_CHECKING:
    # The mixins are checked as the serializer they are mixed into (DRF ships no types: ``Any``).
    from rest_framework.serializers import ModelSerializer as _SerializerBase
else:
    _SerializerBase = object

PERSONAL_DATA_PERM = "accounts.view_personal_data"


class SensitiveFieldsMixin(_SerializerBase):
    sensitive_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm(PERSONAL_DATA_PERM):
            for name in self.sensitive_fields:
                data.pop(name, None)
        return data


class VersionedMixin(_SerializerBase):
    """Updates must send the ``version`` they read; a stale one is refused."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "version" not in self.initial_data:
            raise serializers.ValidationError({"version": _("Send the version you read when changing a record.")})
        return attrs


class ConsentSerializer(serializers.ModelSerializer):
    """A consent of a child; recorded by ``POST children/{id}/consents/`` (the document by multipart)."""

    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "party",
            "purpose",
            "given_on",
            "withdrawn_on",
            "document",
            "notes",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["recorded_by", "created_at"]
        # The model's checks run in the service (``Consent.clean``, one open consent per party and purpose).
        validators: list = []


class ConsentWithdrawSerializer(serializers.Serializer):
    withdrawn_on = serializers.DateField()


class ChildSerializer(SensitiveFieldsMixin, VersionedMixin, scoped_api.ScopedModelSerializer):
    sensitive_fields = ("personal_id", "caregiver_phone")
    commune = ScopedSlugRelatedField(slug_field="code", queryset=Unit.objects.filter(level=Unit.Level.COMMUNE))
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    risks = ScopedSlugRelatedField(slug_field="code", many=True, queryset=RiskFactor.objects.all(), required=False)
    version = serializers.IntegerField(required=False)
    accept_warnings = serializers.BooleanField(write_only=True, required=False, default=False)
    consents = ConsentSerializer(many=True, read_only=True)

    class Meta:
        model = Child
        fields = [
            "id",
            "full_name",
            "date_of_birth",
            "birth_year",
            "birth_year_only",
            "sex",
            "ethnicity",
            "personal_id",
            "child_ref",
            "commune",
            "village",
            "caregiver_name",
            "caregiver_relation",
            "caregiver_phone",
            "in_school",
            "notes",
            "categories",
            "risks",
            "consents",
            "merged_into",
            "version",
            "accept_warnings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["merged_into", "consents", "created_at", "updated_at"]
        extra_kwargs = {"birth_year": {"required": False}}

    def to_representation(self, instance):
        # A held value shows as entered: the answer is the same as for a free one (cases/identifiers.py).
        data = super().to_representation(instance)
        for field, pending in HELD_FIELDS:
            if field in data and getattr(instance, pending, None):
                data[field] = getattr(instance, pending)
        return data


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseTransition
        fields = ["from_status", "to_status", "on", "at", "user", "note", "outcome", "previous_closed_on"]
        read_only_fields = fields


class CaseSerializer(SensitiveFieldsMixin, VersionedMixin, scoped_api.ScopedModelSerializer):
    sensitive_fields = ("abuse_details", "notes")
    commune = ScopedSlugRelatedField(slug_field="code", queryset=Unit.objects.filter(level=Unit.Level.COMMUNE))
    circumstances = ScopedSlugRelatedField(
        slug_field="code", many=True, queryset=Category.objects.all(), required=False
    )
    transitions = TransitionSerializer(many=True, read_only=True)
    referrals = ReferralSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)
    # Changed through ``POST cases/{id}/assign/`` (the assignment rule), shown by username.
    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "case_ref",
            "child",
            "commune",
            "opened_on",
            "reported_at",
            "channel",
            "assigned_to",
            "status",
            "emergency",
            "intervened_at",
            "intervention_due_at",
            "assessed_on",
            "plan_due_on",
            "overdue",
            "closed_on",
            "outcome",
            "circumstances",
            "model",
            "notes",
            "abuse_details",
            "transitions",
            "referrals",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "closed_on", "outcome", "created_at", "updated_at"]
        extra_kwargs = {"case_ref": {"required": False}}

    def get_overdue(self, obj: Case) -> bool:
        return obj.is_overdue(now=self.context["now"])


class AssignRequestSerializer(serializers.Serializer):
    """``{"user": USERNAME}`` of ``POST cases/{id}/assign/``; empty to leave the case unassigned."""

    user = serializers.CharField(allow_blank=True)


class QueueEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_ref = serializers.CharField()
    child = serializers.CharField()
    commune = serializers.CharField()
    due = serializers.CharField(allow_null=True)


class QueueListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    items = QueueEntrySerializer(many=True)


class WorkQueueSerializer(serializers.Serializer):
    """``GET me/queue/``: one list per key of ``cases.queue.KEYS`` (docs/contract/case-work.md)."""

    emergency_overdue = QueueListSerializer()
    emergency_due = QueueListSerializer()
    plan_overdue = QueueListSerializer()
    plan_due = QueueListSerializer()
    review_due = QueueListSerializer()
    assigned_to_me = QueueListSerializer()
    transfers_incoming = QueueListSerializer()
    referrals_open = QueueListSerializer()


class TransitionRequestSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Case.Status.choices)
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(choices=Case.Outcome.choices, required=False, allow_blank=True, default="")
    decision_no = serializers.CharField(required=False, allow_blank=True, default="")
    decision_on = serializers.DateField(required=False, allow_null=True, default=None)
    approved_by = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class IncidentSerializer(SensitiveFieldsMixin, scoped_api.ScopedModelSerializer):
    """An incident of abuse; ``forms`` and ``setting`` by key, the commune is the case's (read-only)."""

    sensitive_fields = ("perpetrator_relation", "notes")
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    forms = ScopedSlugRelatedField(slug_field="key", many=True, queryset=AbuseForm.objects.filter(is_active=True))
    setting = ScopedSlugRelatedField(slug_field="key", queryset=AbuseSetting.objects.filter(is_active=True))

    class Meta:
        model = Incident
        fields = [
            "id",
            "case",
            "date",
            "commune",
            "forms",
            "setting",
            "perpetrator_relation",
            "reported_to_police",
            "handling",
            "notes",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"forms": {"allow_empty": False}}
