"""API of transfers and referrals (docs/contract/case-work.md, "Transfers", "Referrals to services").

``GET transfers/`` (``?direction=incoming|outgoing``), ``POST transfers/{id}/accept|reject|cancel/``,
``GET referrals/``, ``POST referrals/{id}/status/``, and the case's ``POST cases/{id}/transfer/`` and
``POST cases/{id}/referrals/`` (``CaseTransferActions``, mixed into the case viewset).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from scope.api import ScopedReadOnlyViewSet, raise_as_api_error
from scope.core import OutOfScope, units_reached

from .models import Case
from .referral_services import referral_send, referral_set_status
from .referrals import Referral
from .serializers_transfers import (
    ReferralRequestSerializer,
    ReferralSerializer,
    ReferralStatusSerializer,
    TransferAcceptSerializer,
    TransferRejectSerializer,
    TransferRequestSerializer,
    TransferSerializer,
)
from .transfer_services import transfer_accept, transfer_cancel, transfer_reject, transfer_request
from .transfers import Transfer

DIRECTIONS = ("incoming", "outgoing")


def _require(request: Any, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Your role may not do this."))


def _call(write: Any, /, **kwargs: Any) -> Any:
    """Run a service; a record out of the user's reach is a 404, other refusals a 400 with the field."""
    try:
        return write(**kwargs)
    except OutOfScope as exc:
        raise NotFound(_("Not found.")) from exc
    except DjangoValidationError as exc:
        raise_as_api_error(exc)


class TransferViewSet(ScopedReadOnlyViewSet):
    """Transfers sent from or to the user's units; the receiving side sees only the summary."""

    queryset = Transfer.objects.select_related("case__child", "from_unit", "to_unit").order_by("-requested_at", "-pk")
    serializer_class = TransferSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        direction = self.request.query_params.get("direction", "")
        if self.action != "list" or not direction:
            return queryset
        if direction not in DIRECTIONS:
            raise ValidationError({"direction": [_("Choose incoming or outgoing.")]})
        incoming = Q(to_unit__in=units_reached(self.request.user).values("pk"))
        return queryset.filter(incoming) if direction == "incoming" else queryset.exclude(incoming)

    def get_serializer_context(self):
        visible = set(Case.objects.visible_to(self.request.user).values_list("pk", flat=True))
        return {**super().get_serializer_context(), "visible_case_ids": visible}

    def _answer(self, write: Any, /, **kwargs: Any) -> Response:
        _require(self.request, "cases.change_transfer")
        transfer = _call(write, transfer=self.get_object(), by=self.request.user, **kwargs)
        return Response(self.get_serializer(transfer).data, status=status.HTTP_200_OK)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept a transfer sent to the user's unit (optional ``assign_to``: a username)."""
        body = TransferAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assign_to = None
        if body.validated_data["assign_to"]:
            assign_to = get_user_model().objects.filter(username=body.validated_data["assign_to"]).first()
            if assign_to is None:
                raise ValidationError({"assign_to": [_("No user has this username.")]})
        return self._answer(transfer_accept, assign_to=assign_to)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Refuse a transfer sent to the user's unit, with ``reason``."""
        body = TransferRejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(transfer_reject, reason=body.validated_data["reason"])

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a pending transfer the user's unit sent."""
        return self._answer(transfer_cancel)


class ReferralViewSet(ScopedReadOnlyViewSet):
    """Referrals of the cases in the user's scope; ``POST referrals/{id}/status/`` moves one."""

    queryset = Referral.objects.select_related("case", "sent_by").prefetch_related("steps__user").order_by("pk")
    serializer_class = ReferralSerializer

    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Set ``status`` (sent → accepted | declined, accepted → completed) with a ``note``."""
        _require(request, "cases.change_referral")
        referral = self.get_object()
        body = ReferralStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(referral_set_status, referral=referral, by=request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=referral.pk)).data, status=status.HTTP_200_OK)


class CaseTransferActions:
    """``POST cases/{id}/transfer/`` and ``POST cases/{id}/referrals/`` of the case viewset."""

    get_object: Any
    request: Any

    # Each action checks its own permission (``_require``) before reading the case: a POST here adds a
    # transfer or a referral, not a case (DRF's model permission would ask for ``add_case``).
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def transfer(self, request, pk=None):
        """Ask another commune (``to_unit``: code) to take over the case, with ``reason``."""
        _require(request, "cases.add_transfer")
        case = self.get_object()
        body = TransferRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        transfer = _call(transfer_request, case=case, by=request.user, **body.validated_data)
        visible = {case.pk}
        data = TransferSerializer(transfer, context={"request": request, "visible_case_ids": visible}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="referrals", permission_classes=[IsAuthenticated])
    def refer(self, request, pk=None):
        """Refer the case to a service (``service``, ``provider``, ``reason``, ``due_on``)."""
        _require(request, "cases.add_referral")
        case = self.get_object()
        body = ReferralRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = _call(referral_send, case=case, by=request.user, **body.validated_data)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)
