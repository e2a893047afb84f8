"""REST framework base classes that apply the scope on every API path.

``ScopedViewSet`` starts every list, detail and write from ``visible_to(request.user)``,
so a record outside the scope answers 404 exactly like a missing one. Serializers built
on ``ScopedModelSerializer`` get scoped related fields for every foreign key, and
``ScopedFilterSet`` limits the choices of its model filters.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from locations.params import date_validators

from .scope import ensure_in_scope, scoped_choices


def _request_user(context: dict[str, Any]) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key related field whose choices are limited to the user's scope."""

    def get_queryset(self):
        queryset = super().get_queryset()
        choices = scoped_choices(queryset.model, _request_user(self.context))
        return queryset if choices is None else queryset & choices


class ScopedSlugRelatedField(serializers.SlugRelatedField):
    """A slug (e.g. unit code) related field limited to the user's scope."""

    def get_queryset(self):
        queryset = super().get_queryset()
        choices = scoped_choices(queryset.model, _request_user(self.context))
        return queryset if choices is None else queryset & choices


class ScopedModelSerializer(serializers.ModelSerializer):
    """ModelSerializer whose automatic foreign-key fields are scoped."""

    serializer_related_field = ScopedRelatedField


def raise_as_api_error(exc: DjangoValidationError) -> None:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    raise ValidationError(detail) from exc


class ScopedViewSetMixin:
    """Every queryset of the view starts from ``visible_to(request.user)``.

    Subclasses set ``queryset`` (for the model and its ``select_related``); writes call
    ``perform_service_create`` / ``perform_service_update`` (override them to call a
    service); the default checks scope and saves.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        choices = scoped_choices(queryset.model, self.request.user)
        if choices is None:
            raise TypeError(f"{queryset.model.__name__} is not a scoped model")
        return queryset.visible_to(self.request.user)

    def perform_create(self, serializer):
        try:
            self.perform_service_create(serializer)
        except DjangoValidationError as exc:
            raise_as_api_error(exc)

    def perform_update(self, serializer):
        try:
            self.perform_service_update(serializer)
        except DjangoValidationError as exc:
            raise_as_api_error(exc)

    def perform_service_create(self, serializer) -> None:
        instance = serializer.Meta.model(**serializer.validated_data)
        ensure_in_scope(instance, self.request.user)
        instance.full_clean()
        serializer.save()

    def perform_service_update(self, serializer) -> None:
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        ensure_in_scope(instance, self.request.user)
        instance.full_clean()
        serializer.save()


class ScopedViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Read-write viewset of a scoped model."""


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only viewset of a scoped model."""


class ScopedAPIView(APIView):
    """A non-model API view (e.g. a report) that scopes through selectors taking ``user=``.

    It exists so that the URL walker can tell such views from unscoped ones: a subclass
    promises to pass ``request.user`` to every selector it calls.
    """


class ScopedFilterSet(django_filters.FilterSet):
    """FilterSet whose model-choice filters offer only rows in the user's scope.

    Every date filter also accepts only dates between 1990 and 2100 (``locations.params``):
    a date the database or ``datetime`` arithmetic cannot hold is a 400, not a 500.
    Year filters are ``locations.params.YearFilter``.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.DateFilter):
                filter_.extra["validators"] = [*filter_.extra.get("validators", []), *date_validators()]
            if isinstance(filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                model = self._filter_model(filter_)
                choices = scoped_choices(model, user)
                if choices is not None:
                    filter_.queryset = choices

    def _filter_model(self, filter_):
        if hasattr(filter_.queryset, "model"):
            return filter_.queryset.model
        field = self._meta.model._meta.get_field(filter_.field_name.split("__")[0])
        return field.related_model
