"""``GET /api/v1/access-log/``: the access log of the caller's scope, newest first (managers)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from scope.api import ScopedReadOnlyViewSet

from .filters import AccessEventFilter
from .models import AccessEvent
from .serializers import AccessEventSerializer


class AccessEventViewSet(ScopedReadOnlyViewSet):
    """Read only: the API has no way to add, change or delete an entry."""

    queryset = AccessEvent.objects.order_by("-at", "-pk")
    serializer_class = AccessEventSerializer
    filterset_class = AccessEventFilter


router = SimpleRouter()
router.register("access-log", AccessEventViewSet, basename="access-event")
urlpatterns = router.urls
