"""Structural tests: every surface that shows rows is on a scoped base class.

Adding an admin, inline, resource, filter set, serializer or API view that does not go
through the scope mechanism fails here, unless it is on an allow-list below with the
reason it is safe.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.relations import RelatedField
from rest_framework.views import APIView

from accounts.roles import role_table
from scope.admin import ScopedInline, ScopedModelAdmin
from scope.api import (
    ScopedAPIView,
    ScopedFilterSet,
    ScopedRelatedField,
    ScopedSlugRelatedField,
    ScopedViewSetMixin,
)
from scope.resources import ScopedResource

from .registry import PROJECT_APPS, project_classes, scoped_models, url_views
from .scope_world import BUILDERS

# Admins of third-party models that no role has permissions on: superusers only.
ADMIN_ALLOW_LIST = {
    "django_tasks_database.dbtaskresult": "task results; no role holds their permissions (checked below)",
    "axes.accessattempt": "sign-in lock-outs; no role holds axes permissions (checked below)",
    "axes.accesslog": "the log of sign-ins; no role holds axes permissions (checked below)",
    "axes.accessfailurelog": "the log of failed sign-ins; no role holds axes permissions (checked below)",
}

# Scoped by recipient, not by unit: a user sees only their own rows (``notifications_for(user=)``;
# another user's is a 404, proved in notifications/tests/).
RECIPIENT_SCOPED_ADMINS = {"notifications.notification": "one's own notifications, read only"}

# API views outside the scope mechanism, and why that is safe.
API_ALLOW_LIST = {
    "ObtainTokenView": "log-in: exchanges credentials for a token (DELETE revokes the caller's own), shows no rows",
    "SpectacularAPIView": "OpenAPI schema: describes endpoints, shows no rows",
    "SpectacularSwaggerSplitView": "API docs page: shows no rows",
    "NotificationViewSet": "one's own notifications (notifications_for(user=)); another user's is a 404",
}


def test_every_admin_uses_the_scoped_base():
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in ADMIN_ALLOW_LIST or label in RECIPIENT_SCOPED_ADMINS:
            continue
        if not isinstance(model_admin, ScopedModelAdmin):
            unscoped.append(label)
    assert unscoped == [], f"admins not on ScopedModelAdmin: {unscoped}"


def test_every_inline_uses_the_scoped_base():
    unscoped = [
        f"{model._meta.label}: {inline.__name__}"
        for model, model_admin in admin.site._registry.items()
        for inline in model_admin.inlines
        if not issubclass(inline, ScopedInline)
    ]
    assert unscoped == []


def test_allow_listed_admins_are_superuser_only():
    for label in ADMIN_ALLOW_LIST:
        app_label = label.split(".")[0]
        for role, table in role_table().permissions.items():
            assert app_label not in table and not any(t.startswith(f"{app_label}.") for t in table), role


def test_every_scoped_model_has_an_admin_or_is_reached_through_one():
    # A scoped model without an admin is fine, but one with an admin must use the base.
    for model in scoped_models():
        model_admin = admin.site._registry.get(model)
        if model_admin is not None:
            assert isinstance(model_admin, ScopedModelAdmin), model


def test_every_file_field_is_served_by_the_protected_view_only():
    """Each file field links to the download view (scope, permission) and lives on a scoped model."""
    from scope.downloads import ProtectedFileField, check_file_fields, project_file_fields

    fields = project_file_fields()
    assert fields, "no file field found"
    assert all(isinstance(field, ProtectedFileField) and model in BUILDERS for model, field in fields)
    assert check_file_fields() == []


def test_every_scoped_model_is_in_the_matrix_world():
    missing = [m._meta.label for m in scoped_models() if m not in BUILDERS]
    assert missing == [], f"add a builder in tests/scope_world.py for: {missing}"


def test_every_api_view_is_scoped():
    unscoped = []
    for route, callback in url_views():
        cls = getattr(callback, "cls", None)
        if cls is None or not issubclass(cls, APIView):
            continue
        if issubclass(cls, ScopedViewSetMixin | ScopedAPIView) or cls.__name__ in API_ALLOW_LIST:
            continue
        if cls.__module__.startswith("rest_framework.routers"):
            continue  # the router's API root lists URLs, no rows
        unscoped.append(f"{route} -> {cls.__name__}")
    assert unscoped == [], unscoped


def test_every_api_viewset_serves_a_scoped_model():
    for route, callback in url_views():
        cls = getattr(callback, "cls", None)
        if cls is not None and issubclass(cls, ScopedViewSetMixin):
            model = cls.queryset.model
            assert model in scoped_models(), f"{route}: {model} has no scope"


def test_every_resource_is_scoped():
    from import_export.resources import Resource

    unscoped = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in project_classes(Resource, ["resources", "admin", "admin_mixins"])
        if not issubclass(cls, ScopedResource) and cls.__module__.split(".")[0] in PROJECT_APPS
    ]
    assert unscoped == []


def test_every_filterset_is_scoped():
    from django_filters import FilterSet

    unscoped = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in project_classes(FilterSet, ["filters", "api", "selectors"])
        if not issubclass(cls, ScopedFilterSet)
    ]
    assert unscoped == []


def test_every_writable_related_serializer_field_is_scoped():
    unscoped = []
    for cls in project_classes(serializers.Serializer, ["serializers", "api"]):
        try:
            fields = cls().fields
        except Exception as exc:  # a serializer that needs context to build its fields
            raise AssertionError(f"{cls.__name__} cannot be built without context: {exc}") from exc
        for name, field in fields.items():
            field = getattr(field, "child_relation", field)
            if isinstance(field, RelatedField) and not field.read_only:
                if not isinstance(field, ScopedRelatedField | ScopedSlugRelatedField):
                    unscoped.append(f"{cls.__name__}.{name}")
    assert unscoped == [], unscoped


def test_user_model_is_scoped():
    assert get_user_model() in scoped_models()
