"""Admin base classes that apply the scope on every admin path.

Use ``ScopedModelAdmin`` for every admin of a scoped model (and ``ScopedInline`` for its
inlines): lists, change pages, history, delete, actions, list filters, form choices and
autocomplete all start from ``visible_to(request.user)``. Saving goes through
``save_service`` so that the admin writes through the same service as the API and imports.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext

from .scope import ensure_in_scope, scoped_choices


def _visible(model: type[models.Model], queryset: models.QuerySet, request: HttpRequest) -> models.QuerySet:
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(request.user)
    choices = scoped_choices(model, request.user)
    if choices is None:
        return queryset
    return queryset.filter(pk__in=choices.values("pk"))


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id box that names the chosen row only if it is among ``visible``.

    Django's widget looks the label up through the default manager, so any primary key typed
    in (or passed in the URL, ``?child=<pk>``) would show that row's name.
    """

    def __init__(self, rel, admin_site, *, visible: models.QuerySet, attrs=None, using=None):
        super().__init__(rel, admin_site, attrs=attrs, using=using)
        self.visible = visible

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            obj = self.visible.using(self.db).get(**{key: value})
        except (ValueError, self.rel.model.DoesNotExist, ValidationError):
            return "", ""
        opts = obj._meta
        try:
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=(obj.pk,))
        except NoReverseMatch:
            url = ""
        return Truncator(obj).words(14), url


class ScopedFormFieldsMixin:
    """Limit every foreign-key and many-to-many choice, and every raw-id label, to the user's scope."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs["queryset"] = choices
            # Same precedence as Django: an autocomplete field is never a raw-id box.
            if (
                "widget" not in kwargs
                and db_field.name in self.raw_id_fields
                and db_field.name not in self.get_autocomplete_fields(request)
            ):
                kwargs["widget"] = ScopedRawIdWidget(
                    db_field.remote_field, self.admin_site, visible=choices, using=kwargs.get("using")
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# Errors a list filter raises on a malformed parameter (``?unit=abc``, ``?year=99999``).
MALFORMED_PARAMETER_ERRORS = (ValueError, TypeError, OverflowError, ValidationError)


class ScopedModelAdmin(ScopedFormFieldsMixin, admin.ModelAdmin):
    """Base admin for scoped models (and for units and users).

    Every view a subclass adds in ``get_urls`` is wrapped with ``permission_view``, which
    loads the row through the scoped queryset and asks the admin's permission hooks; the
    registry walker in ``tests/test_admin_views_walker.py`` fails on a view that is not.
    """

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return _visible(self.model, super().get_queryset(request), request)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """The row in the user's scope, or None; refused before any lookup without the model's permission.

        Django looks the row up first and asks for the permission after, so a user without
        it (a viewer, who never sees a person's data) got 403 for a row that exists and
        "does not exist" for one that does not, and learned which ids exist. Refusing first
        gives the same answer for every id. Change, history, delete and every custom view
        (through ``permission_view``) load their row here.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().get_object(request, object_id, from_field)

    def permission_view(
        self, view: Callable[..., HttpResponse], *, needs: str = "view", missing: str = "redirect"
    ) -> Callable[..., HttpResponse]:
        """Wrap a custom admin view (one added in ``get_urls``) in the admin's permission hooks.

        The result is already wrapped with ``admin_site.admin_view``. ``needs`` names the hook
        the user must pass, first for the model (before any lookup, so the answer tells
        nothing about which ids exist), then for the row: ``"view"`` (``has_view_permission``)
        or ``"change"`` (``has_change_permission``). A route with an ``object_id`` gets the
        row loaded through ``get_object`` (the scoped queryset) and the view is called as
        ``view(request, obj, **rest)``. A missing or out-of-scope row answers like Django's
        "does not exist" page (``missing="redirect"``), a 404 page (``"404"``) or a JSON 404
        (``"json"``). Views add their own finer checks (import, workflow) after this one.
        """
        if needs not in ("view", "change") or missing not in ("redirect", "404", "json"):
            raise ValueError(f"unknown option {needs!r} / {missing!r}")
        check = self.has_view_permission if needs == "view" else self.has_change_permission

        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request):
                raise PermissionDenied
            if "object_id" not in kwargs:
                return view(request, *args, **kwargs)
            object_id = kwargs.pop("object_id")
            obj = self.get_object(request, object_id)
            if obj is None:
                if missing == "json":
                    return JsonResponse({"detail": gettext("Not found.")}, status=404)
                if missing == "404":
                    raise Http404
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
            if not check(request, obj):
                raise PermissionDenied
            return view(request, obj, *args, **kwargs)

        checked.permission_checked = True  # type: ignore[attr-defined]
        return self.admin_site.admin_view(checked)

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """A malformed filter parameter is an incorrect lookup (the list shows its error page), not a 500."""
        try:
            return super().get_changelist_instance(request)
        except MALFORMED_PARAMETER_ERRORS as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        """Foreign-key filters list only values that occur in the user's rows."""
        result = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and "__" not in item:
                field = self.model._meta.get_field(item)
                if field.is_relation and scoped_choices(field.related_model, request.user) is not None:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            result.append(item)
        return result

    def get_form(self, request: HttpRequest, obj: models.Model | None = None, **kwargs):
        """The change form checks scope while validating, so a refusal is a form error."""
        return scope_checked_form(super().get_form(request, obj, **kwargs), request.user)

    def save_model(self, request: HttpRequest, obj: models.Model, form, change: bool) -> None:
        self.save_service(request=request, obj=obj, form=form, change=change)

    def save_service(self, *, request: HttpRequest, obj: models.Model, form, change: bool) -> None:
        """Write ``obj``; apps override this to call their service. Default: scope-check, save."""
        ensure_in_scope(obj, request.user)
        obj.save()


def add_validation_error(form, exc: ValidationError) -> None:
    """Attach ``exc`` to the form, on its fields where the form has them."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def scope_checked_form(form_class, user):
    class ScopeCheckedForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            try:
                ensure_in_scope(self.instance, user)
            except ValidationError as exc:
                add_validation_error(self, exc)

    ScopeCheckedForm.__name__ = form_class.__name__
    return ScopeCheckedForm


class ScopedInline(ScopedFormFieldsMixin):
    """Mixin for inlines: rows and choices limited to the user's scope.

    Use as ``class MemberInline(ScopedInline, admin.TabularInline)``. ``list_select_related``
    names the relations each row shows (read-only users, a case's child), fetched with the
    rows instead of one query per row.
    """

    list_select_related: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)
        if self.list_select_related:
            qs = qs.select_related(*self.list_select_related)
        return _visible(self.model, qs, request)

    def get_formset(self, request: HttpRequest, obj: models.Model | None = None, **kwargs):
        kwargs["form"] = scope_checked_form(kwargs.get("form", self.form), request.user)
        return super().get_formset(request, obj, **kwargs)


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    pass
