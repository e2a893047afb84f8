from django.db.models import Prefetch
from rest_framework.routers import SimpleRouter

from scope.api import ScopedReadOnlyViewSet

from .filters import UnitFilter
from .models import Unit, UnitConversion
from .serializers import UnitSerializer


class UnitViewSet(ScopedReadOnlyViewSet):
    """Administrative units in the user's scope; filter by level, parent, code, name."""

    queryset = (
        Unit.objects.select_related("parent")
        .prefetch_related(
            Prefetch("successor_links", queryset=UnitConversion.objects.select_related("current")),
            Prefetch("predecessor_links", queryset=UnitConversion.objects.select_related("legacy")),
        )
        .order_by("code", "edition")
    )
    serializer_class = UnitSerializer
    filterset_class = UnitFilter


router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
urlpatterns = router.urls
