"""API of outreach events, registered on this app's router (mounted under /api/v1/)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from scope.api import ScopedViewSet

from . import services
from .filters import OutreachEventFilter
from .models import EventAttachment, OutreachEvent
from .serializers import OutreachEventSerializer


class OutreachEventViewSet(ScopedViewSet):
    """Outreach events in the user's scope; filter by unit code, kind, venue, year, dates, model."""

    queryset = (
        OutreachEvent.objects.select_related("unit", "model")
        .prefetch_related(Prefetch("attachments", queryset=EventAttachment.objects.order_by("pk")))
        .order_by("-date", "-pk")
    )
    serializer_class = OutreachEventSerializer
    filterset_class = OutreachEventFilter

    def perform_service_create(self, serializer: Any) -> None:
        serializer.instance = services.event_create(user=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer: Any) -> None:
        serializer.instance = services.event_update(
            user=self.request.user, event=serializer.instance, **serializer.validated_data
        )

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"], pagination_class=None)
    def totals(self, request: Request) -> Response:
        """Events and summed participants for the current filter."""
        return Response(self.filter_queryset(self.get_queryset()).totals())


router = SimpleRouter()
router.register("events", OutreachEventViewSet, basename="outreachevent")
urlpatterns = router.urls
