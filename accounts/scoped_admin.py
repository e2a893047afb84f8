"""Admin base classes that apply the scope on every admin path.

Use ``ScopedModelAdmin`` for every admin of a scoped model (and ``ScopedInline`` for its
inlines): lists, change pages, history, delete, actions, list filters, form choices and
autocomplete all start from ``visible_to(request.user)``. Saving goes through
``save_service`` so that the admin writes through the same service as the API and imports.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator

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


class ScopedModelAdmin(ScopedFormFieldsMixin, admin.ModelAdmin):
    """Base admin for scoped models (and for units and users)."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return _visible(self.model, super().get_queryset(request), request)

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
