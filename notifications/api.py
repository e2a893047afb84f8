"""``GET /api/v1/notifications/`` (own, newest first, ``?unread=true``) and
``POST /api/v1/notifications/{id}/read/``.

Not on the scoped viewset base: a notification is scoped by its recipient, not by a unit, so
the queryset is ``notifications_for(user=)`` and another user's notification is a 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from .models import Notification
from .selectors import notifications_for
from .serializers import NotificationSerializer
from .services import notification_read


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only unread notifications.")])
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # For the schema and the walkers; the rows come from ``get_queryset`` only.
    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None

    def get_queryset(self):
        queryset = notifications_for(user=self.request.user).order_by("-created_at", "-pk")
        if getattr(self, "action", None) == "list" and self.request.query_params.get("unread") in ("1", "true"):
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = notification_read(notification=self.get_object())
        return Response(self.get_serializer(notification).data)


router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = router.urls
