"""The one way out for stored files: ``/files/<app_label>/<model>/<pk>/<field>/``.

Every file field of the project is a ``ProtectedFileField``, whose ``url`` is this view's
address, so the admin's widgets and links and the API's serializers all point here and
never to ``MEDIA_URL`` (which nothing serves). The view:

1. wants a signed-in user (admin session or API token), else sends them to sign in;
2. checks the model's view permission (403 without it, before any row is looked at, so the
   answer tells nothing about which records exist);
3. loads the row through ``visible_to(user)`` (outside the scope, or missing: 404);
4. records the download (``record_download``, where the access log writes its entry);
5. answers with the file as an attachment, ``nosniff`` and a sandboxing content security
   policy, so that whatever the file holds a browser never runs it on our origin. With
   ``PROTECTED_MEDIA_REDIRECT`` set (production), the web server sends the bytes: the answer
   is empty with an ``X-Accel-Redirect`` to the internal location that maps to ``MEDIA_ROOT``.

``check_file_fields`` (system check ``accounts.E010``/``E011``) refuses a file field that is
not protected or sits on a model without a scope.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import checks
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header

from .core import AnyScopeUser, ScopeUser, declared_scope, is_signed_in, scoped_queryset
from .reads import Action, record_read

logger = logging.getLogger("cpmis.downloads")

URL_NAME = "protected-file"


class ProtectedFieldFile(FieldFile):
    """A stored file whose ``url`` is the protected download view of its row and field."""

    @property
    def url(self) -> str:
        if not self:
            raise ValueError(f"The '{self.field.name}' attribute has no file associated with it.")
        if self.instance.pk is None:
            raise ValueError("An unsaved record has no download address.")
        return download_url(self.instance, self.field.name)

    @property
    def display_name(self) -> str:
        """The name the file was uploaded with (the last part of its stored name)."""
        return PurePosixPath(self.name or "").name


class ProtectedFileField(models.FileField):
    """A ``FileField`` served only through the protected download view (see the module)."""

    attr_class = ProtectedFieldFile


def download_url(instance: models.Model, field_name: str) -> str:
    opts = instance._meta
    return reverse(URL_NAME, args=[opts.app_label, opts.model_name, instance.pk, field_name])


def record_download(*, request: HttpRequest, user: AnyScopeUser, instance: models.Model, field_name: str) -> None:
    """Every file download passes here once, after every check and before the file goes out.

    Writes the access log's ``download`` event for the record, and a line to the
    ``cpmis.downloads`` log (who, which record, which field; no file name, which may hold a
    person's name). A token-authenticated download has its user here, not on the request.
    """
    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        # django-stubs types ``request.user`` as the project's user model, which scope does not import.
        request.user = user  # type: ignore[assignment]
    record_read(request, action=Action.DOWNLOAD, objects=[instance])
    logger.info(
        "download %s pk=%s field=%s by user %s from %s",
        instance._meta.label,
        instance.pk,
        field_name,
        getattr(user, "pk", None),
        request.META.get("REMOTE_ADDR", ""),
    )


def _record_refused_download(*, request: HttpRequest, user: AnyScopeUser, model: type[models.Model], pk: Any) -> None:
    """A download of a row outside the scope (or missing) is logged as refused, like other reads."""
    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        # django-stubs types ``request.user`` as the project's user model, which scope does not import.
        request.user = user  # type: ignore[assignment]
    record_read(request, action=Action.DOWNLOAD, model=model, refused_ids=[pk])


def protected_file_view(
    request: HttpRequest, app_label: str, model_name: str, pk: int, field_name: str
) -> HttpResponse | FileResponse:
    user = _signed_in_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    model, field = _protected_field(app_label, model_name, field_name)
    if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise PermissionDenied
    try:
        instance = scoped_queryset(model).visible_to(user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        _record_refused_download(request=request, user=user, model=model, pk=pk)
        raise Http404 from None
    stored: FieldFile = getattr(instance, field.attname)
    if not stored.name or not stored.storage.exists(stored.name):
        raise Http404
    record_download(request=request, user=user, instance=instance, field_name=field.name)
    return file_response(stored)


def file_response(stored: FieldFile) -> HttpResponse | FileResponse:
    """The answer that hands ``stored`` to the browser as a download it will not run."""
    name = str(stored.name)
    filename = PurePosixPath(name).name
    redirect = getattr(settings, "PROTECTED_MEDIA_REDIRECT", "")
    response: HttpResponse | FileResponse
    if redirect:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{redirect.rstrip('/')}/{quote(name)}"
    else:
        response = FileResponse(stored.storage.open(name, "rb"), as_attachment=True, filename=filename)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    # Personal files: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def _signed_in_user(request: HttpRequest) -> ScopeUser | None:
    """The user of the admin session or of the API's authentication (token), else ``None``."""
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    user: AnyScopeUser | None = getattr(request, "user", None)
    if is_signed_in(user) and user.is_active:
        return user
    api_request = Request(request, authenticators=[auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES])
    try:
        user = api_request.user
    except APIException:
        return None
    return user if is_signed_in(user) and user.is_active else None


def _protected_field(
    app_label: str, model_name: str, field_name: str
) -> tuple[type[models.Model], models.Field[Any, Any]]:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    try:
        field = model._meta.get_field(field_name)
    except Exception:
        raise Http404 from None
    if not isinstance(field, ProtectedFileField) or declared_scope(model) is None:
        raise Http404
    return model, field


def project_file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """(model, field) for every file field of a model defined in this project."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        where = Path(config.path).resolve()
        if base not in where.parents or "site-packages" in where.parts:
            continue
        for model in config.get_models():
            for field in model._meta.fields:
                if isinstance(field, models.FileField):
                    found.append((model, field))
    return found


def check_file_fields(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every file field of the project is protected and sits on a scoped model."""
    errors: list[checks.CheckMessage] = []
    for model, field in project_file_fields():
        label = f"{model._meta.label}.{field.name}"
        if not isinstance(field, ProtectedFileField):
            errors.append(
                checks.Error(
                    f"{label} is a plain FileField: its files would be linked under MEDIA_URL.",
                    hint="Use scope.downloads.ProtectedFileField.",
                    obj=field,
                    id="accounts.E010",
                )
            )
        if declared_scope(model) is None:
            errors.append(
                checks.Error(
                    f"{label}: {model._meta.label} declares no scope, so nobody could download its files.",
                    hint="Declare the model's Scope and use ScopedQuerySet as its default manager.",
                    obj=field,
                    id="accounts.E011",
                )
            )
    return errors


urlpatterns = [
    path("<slug:app_label>/<slug:model_name>/<int:pk>/<slug:field_name>/", protected_file_view, name=URL_NAME),
]
