"""``GET /api/v1/reports/annual/`` and ``GET /api/v1/reports/abuse/`` (``?unit=CODE&year=YEAR``) as JSON."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from scope.api import ScopedAPIView

from .abuse import abuse_report
from .area import ReportArea, ReportRequestError, ReportUnitNotFound, resolve_area
from .summary import annual_summary


class CanViewReports(BasePermission):
    """Roles with ``accounts.view_reports`` (viewers included: the summary holds no names)."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perm("accounts.view_reports"))


class AnnualSummaryView(ScopedAPIView):
    """The annual summary of a unit in the user's scope; out of scope answers 404 like an unknown unit."""

    permission_classes = [IsAuthenticated, CanViewReports]

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code; empty: the user's own unit."),
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("edition", OpenApiTypes.STR, enum=["legacy", "current"]),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return Response(annual_summary(user=request.user, area=requested_area(request)).as_json())


def requested_area(request: Request) -> ReportArea:
    """The area of ``?unit=&year=&edition=``: 400 for a malformed parameter, 404 out of scope."""
    try:
        return resolve_area(
            user=request.user,
            unit_code=request.query_params.get("unit", ""),
            year=request.query_params.get("year"),
            edition=request.query_params.get("edition"),
        )
    except ReportRequestError as exc:
        raise ValidationError({"detail": str(exc)}) from exc
    except ReportUnitNotFound as exc:
        raise NotFound(str(exc)) from exc


class AbuseReportView(ScopedAPIView):
    """Children abused in a unit and year of the user's scope (counts only, no names)."""

    permission_classes = [IsAuthenticated, CanViewReports]

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code; empty: the user's own unit."),
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("edition", OpenApiTypes.STR, enum=["legacy", "current"]),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return Response(abuse_report(user=request.user, area=requested_area(request)).as_json())


urlpatterns = [
    path("reports/annual/", AnnualSummaryView.as_view(), name="reports-annual"),
    path("reports/abuse/", AbuseReportView.as_view(), name="reports-abuse"),
]
