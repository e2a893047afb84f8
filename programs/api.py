"""API of protection models and day-care attendance, registered on this app's router (/api/v1/)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from locations.params import parse_year
from scope.api import ScopedViewSet

from . import services
from .filters import AttendanceFilter, ProtectionModelFilter
from .models import Attendance, ModelMember, ProtectionModel
from .selectors import attendance_figures, daycare_model_get
from .serializers import AttendanceSerializer, ProtectionModelSerializer


class ProtectionModelViewSet(ScopedViewSet):
    """Protection models in the user's scope; filter by kind, unit code, status, year, active_on."""

    queryset = (
        ProtectionModel.objects.select_related("unit")
        .prefetch_related(Prefetch("members", queryset=ModelMember.objects.order_by("name", "pk")))
        .order_by("code")
    )
    serializer_class = ProtectionModelSerializer
    filterset_class = ProtectionModelFilter

    def perform_service_create(self, serializer: Any) -> None:
        serializer.instance = services.protection_model_create(user=self.request.user, **serializer.validated_data)

    def perform_service_update(self, serializer: Any) -> None:
        serializer.instance = services.protection_model_update(
            user=self.request.user, instance=serializer.instance, **serializer.validated_data
        )


class AttendanceViewSet(ScopedViewSet):
    """Day-care attendance, one row per child and day; filter by model, dates, present."""

    queryset = Attendance.objects.select_related("enrolment__child").order_by("-date", "enrolment__child_name", "pk")
    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilter

    def perform_service_create(self, serializer: Any) -> None:
        attendance = Attendance(**serializer.validated_data)
        serializer.instance = services.attendance_save(user=self.request.user, attendance=attendance)

    def perform_service_update(self, serializer: Any) -> None:
        attendance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(attendance, name, value)
        serializer.instance = services.attendance_save(user=self.request.user, attendance=attendance)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="Year (default: this year)."),
            OpenApiParameter("model", OpenApiTypes.INT, description="One day-care model (default: all in scope)."),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def figures(self, request: Request) -> Response:
        """Daily counts and monthly / yearly averages of children present (over days with records)."""
        try:
            year = parse_year(request.query_params.get("year") or timezone.localdate().year)
        except DjangoValidationError as exc:
            raise ValidationError({"year": exc.messages}) from exc
        model = None
        if model_raw := request.query_params.get("model"):
            model = daycare_model_get(user=request.user, pk=model_raw) if model_raw.isdigit() else None
            if model is None:
                raise NotFound()
        figures = attendance_figures(user=request.user, year=year, model=model)
        return Response(
            {
                "year": figures.year,
                "model": model.pk if model else None,
                "days": figures.total.days,
                "child_days_present": figures.total.present,
                "average_daily_attendance": figures.total.average,
                "months": [
                    {"month": index, "days": m.days, "child_days_present": m.present, "average": m.average}
                    for index, m in enumerate(figures.months, start=1)
                ],
                "daily": [
                    {"date": row["date"], "present": row["present"], "recorded": row["recorded"]}
                    for row in figures.daily
                ],
            }
        )


router = SimpleRouter()
router.register("models", ProtectionModelViewSet, basename="protectionmodel")
router.register("attendance", AttendanceViewSet, basename="attendance")
urlpatterns = router.urls
