"""REST framework base classes that apply the scope on every API path.

``ScopedViewSet`` starts every list, detail and write from ``visible_to(request.user)``,
so a record outside the scope answers 404 exactly like a missing one. Serializers built
on ``ScopedModelSerializer`` get scoped related fields for every foreign key, and
``ScopedFilterSet`` limits the choices of its model filters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from locations.params import date_validators

from .archive import may_restore, record_archive, record_restore
from .core import AnyScopeUser, ensure_in_scope, is_archivable, restrict_to, scoped_choices, with_archived
from .reads import Action, is_personal, record_read

# Django REST framework and django-filter ship no type information: to mypy their classes are
# ``Any``; the classes here that extend them say so with ``type: ignore[misc]``. The viewset mixin
# is checked as the generic viewset it is always mixed into (at run time it stands on ``object``).
if TYPE_CHECKING:
    from rest_framework.viewsets import GenericViewSet as _GenericViewSet
else:
    _GenericViewSet = object


def _request_user(context: dict[str, Any]) -> AnyScopeUser | None:
    request = context.get("request")
    user: AnyScopeUser | None = getattr(request, "user", None)
    return user


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[misc]  # DRF: untyped
    """A primary-key related field whose choices are limited to the user's scope."""

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset: models.QuerySet[Any] = super().get_queryset()
        choices = scoped_choices(queryset.model, _request_user(self.context))
        return queryset if choices is None else queryset & choices


class ScopedSlugRelatedField(serializers.SlugRelatedField):  # type: ignore[misc]  # DRF: untyped
    """A slug (e.g. unit code) related field limited to the user's scope."""

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset: models.QuerySet[Any] = super().get_queryset()
        choices = scoped_choices(queryset.model, _request_user(self.context))
        return queryset if choices is None else queryset & choices


class ScopedModelSerializer(serializers.ModelSerializer):  # type: ignore[misc]  # DRF: untyped
    """ModelSerializer whose automatic foreign-key fields are scoped."""

    serializer_related_field = ScopedRelatedField


def raise_as_api_error(exc: DjangoValidationError) -> None:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    raise ValidationError(detail) from exc


class ScopedViewSetMixin(_GenericViewSet):  # type: ignore[misc]  # DRF: untyped
    """Every queryset of the view starts from ``visible_to(request.user)``.

    Subclasses set ``queryset`` (for the model and its ``select_related``); writes call
    ``perform_service_create`` / ``perform_service_update`` (override them to call a
    service); the default checks scope and saves. Reads of personal data are logged (the
    page of a list, every detail, a refused detail). ``DELETE`` archives an archivable row
    (``POST {id}/restore/`` brings it back, for managers) and is refused for other personal rows.
    """

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset: models.QuerySet[Any] = super().get_queryset()
        if getattr(self, "action", None) == "restore":
            # Only archived rows can be restored; the queryset keeps its joins and ordering.
            queryset = with_archived(queryset.model).filter(archived_at__isnull=False)
        rows = restrict_to(queryset, self.request.user)
        if rows is None:
            raise TypeError(f"{queryset.model.__name__} is not a scoped model")
        return rows

    @classmethod
    def get_extra_actions(cls) -> list[Any]:
        actions: list[Any] = super().get_extra_actions()
        model = getattr(getattr(cls, "queryset", None), "model", None)
        if model is None or not is_archivable(model):
            actions = [a for a in actions if a.__name__ != "restore"]
        return actions

    def get_object(self) -> Any:
        try:
            obj: models.Model = super().get_object()
        except Http404:
            model = self.get_queryset().model
            if is_personal(model):
                asked = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
                record_read(self.request, action=Action.API, model=model, refused_ids=[asked])
            raise
        if is_personal(type(obj)):
            record_read(self.request, action=Action.API, objects=[obj])
        return obj

    def paginate_queryset(self, queryset: models.QuerySet[Any]) -> list[Any] | None:
        page: list[Any] | None = super().paginate_queryset(queryset)
        if is_personal(queryset.model):
            record_read(self.request, action=Action.API, objects=page if page is not None else queryset)
        return page

    def perform_destroy(self, instance: models.Model) -> None:
        model = type(instance)
        if is_archivable(model):
            try:
                record_archive(record=instance, user=self.request.user)
            except DjangoValidationError as exc:
                raise_as_api_error(exc)
        elif is_personal(model):
            raise PermissionDenied(_("Personal records are archived, not deleted; this one cannot be deleted."))
        else:
            super().perform_destroy(instance)

    # DRF's decorators are untyped too.
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])  # type: ignore[untyped-decorator]
    def restore(self, request: Any, pk: Any = None) -> Response:
        """Restore an archived record with the records archived with it (province managers)."""
        instance = self.get_object()
        if not may_restore(request.user):
            raise PermissionDenied(_("Only a province manager may restore archived records."))
        try:
            record_restore(record=instance, user=request.user)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise_as_api_error(exc)
        self.action = "retrieve"
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_200_OK)

    def perform_create(self, serializer: Any) -> None:
        try:
            self.perform_service_create(serializer)
        except DjangoValidationError as exc:
            raise_as_api_error(exc)

    def perform_update(self, serializer: Any) -> None:
        try:
            self.perform_service_update(serializer)
        except DjangoValidationError as exc:
            raise_as_api_error(exc)

    def perform_service_create(self, serializer: Any) -> None:
        instance = serializer.Meta.model(**serializer.validated_data)
        ensure_in_scope(instance, self.request.user)
        instance.full_clean()
        serializer.save()

    def perform_service_update(self, serializer: Any) -> None:
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        ensure_in_scope(instance, self.request.user)
        instance.full_clean()
        serializer.save()


class ScopedViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):  # type: ignore[misc]  # DRF: untyped
    """Read-write viewset of a scoped model."""


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[misc]  # DRF: untyped
    """Read-only viewset of a scoped model."""


class ScopedAPIView(APIView):  # type: ignore[misc]  # DRF: untyped
    """A non-model API view (e.g. a report) that scopes through selectors taking ``user=``.

    It exists so that the URL walker can tell such views from unscoped ones: a subclass
    promises to pass ``request.user`` to every selector it calls.
    """


class ScopedFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter: untyped
    """FilterSet whose model-choice filters offer only rows in the user's scope.

    Every date filter also accepts only dates between 1990 and 2100 (``locations.params``):
    a date the database or ``datetime`` arithmetic cannot hold is a 400, not a 500.
    Year filters are ``locations.params.YearFilter``.
    """

    def __init__(
        self,
        data: Any = None,
        queryset: models.QuerySet[Any] | None = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        user: AnyScopeUser | None = getattr(request, "user", None)
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.DateFilter):
                filter_.extra["validators"] = [*filter_.extra.get("validators", []), *date_validators()]
            if isinstance(filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                model = self._filter_model(filter_)
                choices = scoped_choices(model, user)
                if choices is not None:
                    filter_.queryset = choices

    def _filter_model(self, filter_: Any) -> type[models.Model]:
        if hasattr(filter_.queryset, "model"):
            model: type[models.Model] = filter_.queryset.model
            return model
        field = self._meta.model._meta.get_field(filter_.field_name.split("__")[0])
        related: type[models.Model] = field.related_model
        return related
