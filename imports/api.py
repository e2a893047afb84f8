"""API of imports (``/api/v1/imports/``): upload a file with its kind, poll, commit, errors.

``POST imports/`` (multipart ``kind``, ``file``, optional ``commit``) checks the file (in the
background when it is large) and answers with the job; ``GET imports/{id}/`` polls its
status, counts and errors; ``POST imports/{id}/commit/`` applies a valid job;
``GET imports/{id}/errors/`` returns the error report as CSV.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from scope.api import ScopedReadOnlyViewSet, raise_as_api_error

from .files import errors_csv
from .models import ImportJob
from .serializers import ImportJobListSerializer, ImportJobSerializer, ImportUploadSerializer
from .services import import_job_commit, import_job_create, import_job_start, import_jobs_sweep


class ImportJobViewSet(ScopedReadOnlyViewSet):
    """Import jobs uploaded at or below the user's unit."""

    queryset = ImportJob.objects.select_related("created_by").order_by("-created_at", "-pk")
    serializer_class = ImportJobSerializer
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        queryset = super().get_queryset()
        # A list shows no errors nor duplicates: not read, they would be most of each row.
        return queryset.defer("errors", "duplicates") if self.action == "list" else queryset

    def get_serializer_class(self):
        return ImportJobListSerializer if self.action == "list" else ImportJobSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        import_jobs_sweep()
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ImportUploadSerializer, responses={201: ImportJobSerializer})
    def create(self, request: Request) -> Response:
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            job = import_job_create(
                user=request.user, kind=data["kind"], file=data["file"], file_name=data["file"].name
            )
            # With ``commit`` one run checks and applies (all or nothing), here or in the worker.
            job = import_job_start(job=job, commit=data["commit"])
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise_as_api_error(exc)
        return Response(ImportJobSerializer(job, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ImportJobSerializer})
    @action(detail=True, methods=["post"], parser_classes=[FormParser, MultiPartParser])
    def commit(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        try:
            job = import_job_commit(job=job, user=request.user)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise_as_api_error(exc)
        return Response(ImportJobSerializer(job, context={"request": request}).data)

    @extend_schema(responses={(200, "text/csv"): bytes})
    @action(detail=True, methods=["get"])
    def errors(self, request: Request, pk: str | None = None) -> HttpResponse:
        job = self.get_object()
        response = HttpResponse(errors_csv(job.errors), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="errors_{job.pk}.csv"'
        return response


router = SimpleRouter()
router.register("imports", ImportJobViewSet, basename="import")
urlpatterns = router.urls
