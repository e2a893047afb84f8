"""API of children and cases: ``children`` (with ``consents/``), ``cases`` and ``POST cases/{id}/transition/``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import User
from audit.access import record_access
from documents.render import DocumentFormatError
from scope.api import ScopedAPIView, ScopedViewSet, raise_as_api_error
from scope.reads import Action
from scope.unit_indexed import UnitIndexedViewSetMixin

from . import identifiers
from .api_transfers import CaseTransferActions, ReferralViewSet, TransferViewSet
from .assignment import case_assign
from .consent import Consent
from .consent_services import ADD_PERM as ADD_CONSENT_PERM
from .consent_services import CHANGE_PERM as CHANGE_CONSENT_PERM
from .consent_services import consent_record, consent_withdraw
from .documents import CASE_DOCUMENTS, case_document_file
from .filters import CaseFilter, ChildFilter, IncidentFilter
from .incident_services import incident_save
from .models import Case, CaseTransition, Child, Incident
from .queue import work_queue
from .serializers import (
    AssignRequestSerializer,
    CaseSerializer,
    ChildSerializer,
    ConsentSerializer,
    ConsentWithdrawSerializer,
    IncidentSerializer,
    TransitionRequestSerializer,
    WorkQueueSerializer,
)
from .services import case_save, case_transition, child_save


class FileNegotiation(DefaultContentNegotiation):
    """For views answering with a file: ``?format=`` names the file's format, not an API renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _apply(instance, data: dict) -> dict:
    """Set plain fields on ``instance``; return the many-to-many values to set after saving."""
    m2m = {}
    for name, value in data.items():
        if instance._meta.get_field(name).many_to_many:
            m2m[name] = value
        else:
            setattr(instance, name, value)
    return m2m


class ChildViewSet(UnitIndexedViewSetMixin, ScopedViewSet):
    """Children in the user's scope. Filters: ``unit`` (code), ``q``, ``category``, sex, ethnicity…"""

    queryset = (
        Child.objects.select_related("commune")
        .prefetch_related(
            "categories", "risks", Prefetch("consents", queryset=Consent.objects.select_related("recorded_by"))
        )
        .order_by("pk")
    )
    serializer_class = ChildSerializer
    filterset_class = ChildFilter

    def _save(self, serializer, instance: Child) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        accept = data.pop("accept_warnings", False)
        identifiers.identifiers_show(instance)
        m2m = _apply(instance, data)
        child_save(child=instance, user=self.request.user, expected_version=version, accept_warnings=accept)
        for name, value in m2m.items():
            getattr(instance, name).set(value)
        serializer.instance = instance

    def perform_service_create(self, serializer) -> None:
        self._save(serializer, Child())

    def perform_service_update(self, serializer) -> None:
        self._save(serializer, serializer.instance)

    def _consent_answer(self, consent: Consent, code: int) -> Response:
        return Response(ConsentSerializer(consent, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ConsentSerializer, responses={201: ConsentSerializer})
    @action(detail=True, methods=["post"], url_path="consents")
    def consents(self, request, pk=None):
        """Record a consent of the child (``party``, ``purpose``, ``given_on``; a ``document`` by multipart)."""
        child = self.get_object()
        if not request.user.has_perm(ADD_CONSENT_PERM):
            raise PermissionDenied
        body = ConsentSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        try:
            consent = consent_record(child=child, by=request.user, **body.validated_data)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise_as_api_error(exc)
        return self._consent_answer(consent, status.HTTP_201_CREATED)

    @extend_schema(request=ConsentWithdrawSerializer, responses={200: ConsentSerializer})
    @action(detail=True, methods=["post"], url_path=r"consents/(?P<consent_id>[0-9]+)/withdraw")
    def withdraw_consent(self, request, pk=None, consent_id=None):
        """Withdraw one of the child's consents as of ``withdrawn_on``; the record stays."""
        child = self.get_object()
        consent = Consent.objects.filter(child=child, pk=consent_id).first()
        if consent is None:
            raise NotFound
        if not request.user.has_perm(CHANGE_CONSENT_PERM):
            raise PermissionDenied
        body = ConsentWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            consent = consent_withdraw(consent=consent, by=request.user, **body.validated_data)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise_as_api_error(exc)
        return self._consent_answer(consent, status.HTTP_200_OK)


class CaseViewSet(UnitIndexedViewSetMixin, CaseTransferActions, ScopedViewSet):
    """Cases in the user's scope, with their steps; ``POST cases/{id}/transition/`` moves one."""

    queryset = (
        Case.objects.select_related("commune")
        .prefetch_related(
            "circumstances",
            "referrals__steps__user",
            Prefetch("transitions", queryset=CaseTransition.objects.order_by("at")),
        )
        .order_by("-opened_on", "-pk")
    )
    serializer_class = CaseSerializer
    filterset_class = CaseFilter

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _save(self, serializer, instance: Case) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        m2m = _apply(instance, data)
        case_save(case=instance, user=self.request.user, expected_version=version)
        for name, value in m2m.items():
            getattr(instance, name).set(value)
        serializer.instance = instance

    def perform_service_create(self, serializer) -> None:
        self._save(serializer, Case())

    def perform_service_update(self, serializer) -> None:
        self._save(serializer, serializer.instance)

    @extend_schema(
        parameters=[
            OpenApiParameter("form", str, OpenApiParameter.PATH, enum=list(CASE_DOCUMENTS)),
            OpenApiParameter("format", str, OpenApiParameter.QUERY, enum=["docx", "pdf"]),
        ]
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<form>[^/.]+)",
        content_negotiation_class=FileNegotiation,
    )
    def documents(self, request, pk=None, form=None):
        """A Decree 56 form of the case (``form``: 01, 02, 03, plan, 06, closure) as ``?format=docx|pdf``."""
        case = self.get_object()
        if form not in CASE_DOCUMENTS:
            raise NotFound(_("Unknown document “%(form)s”.") % {"form": form})
        try:
            rendered = case_document_file(
                case=case, form=form, fmt=request.query_params.get("format", "docx"), user=request.user, request=request
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied from exc
        except DocumentFormatError as exc:
            raise ValidationError({"format": [str(exc)]}) from exc
        return rendered.response()

    @extend_schema(request=AssignRequestSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Put the officer ``user`` (a username; empty for nobody) in charge; 400 if they may not be."""
        case = self.get_object()
        if not request.user.has_perm("cases.change_case"):
            raise PermissionDenied
        body = AssignRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        username = body.validated_data["user"]
        assignee = None
        if username:
            assignee = User.objects.filter(username=username).first()
            if assignee is None:
                raise ValidationError({"user": [_("There is no user “%(name)s”.") % {"name": username}]})
        try:
            case_assign(case=case, assignee=assignee, by=request.user)
        except DjangoValidationError as exc:
            raise ValidationError({"user": exc.message_dict.get("assigned_to", exc.messages)}) from exc
        case = self.get_queryset().get(pk=case.pk)
        return Response(self.get_serializer(case).data, status=status.HTTP_200_OK)

    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the case to ``to_status``; 400 with the field at fault if not allowed."""
        case = self.get_object()
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        try:
            case_transition(case=case, user=request.user, expected_version=version, **data)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise_as_api_error(exc)
        case = self.get_queryset().get(pk=case.pk)
        return Response(self.get_serializer(case).data, status=status.HTTP_200_OK)


class IncidentViewSet(ScopedViewSet):
    """Incidents of abuse in the user's scope. Filters: ``year``, ``unit`` (code), ``form``, ``setting`` (keys)."""

    queryset = Incident.objects.select_related("commune", "setting").prefetch_related("forms").order_by("-date", "-pk")
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter

    def _save(self, serializer, instance: Incident) -> None:
        data = dict(serializer.validated_data)
        forms = data.pop("forms", None)
        for name, value in data.items():
            setattr(instance, name, value)
        try:
            incident_save(incident=instance, user=self.request.user, forms=forms)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        serializer.instance = instance

    def perform_service_create(self, serializer) -> None:
        self._save(serializer, Incident())

    def perform_service_update(self, serializer) -> None:
        self._save(serializer, serializer.instance)


class MyQueueView(ScopedAPIView):
    """``GET me/queue/``: the caller's work queue (``cases.queue.work_queue``), empty for a viewer."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: WorkQueueSerializer})
    def get(self, request):
        queue = work_queue(user=request.user, now=timezone.now())
        case_ids = {item["case_id"] for entry in queue.values() for item in entry["items"]}
        if case_ids:
            # The children's names are personal data: log them like any list (one query).
            record_access(request, action=Action.API, objects=Case._base_manager.filter(pk__in=case_ids))
        return Response(WorkQueueSerializer(queue).data)


router = SimpleRouter()
router.register("children", ChildViewSet, basename="child")
router.register("cases", CaseViewSet, basename="case")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("referrals", ReferralViewSet, basename="referral")
urlpatterns = [path("me/queue/", MyQueueView.as_view(), name="my-queue"), *router.urls]
