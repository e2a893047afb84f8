"""Admin base classes that apply the scope on every admin path.

Use ``ScopedModelAdmin`` for every admin of a scoped model (and ``ScopedInline`` for its
inlines): lists, change pages, history, delete, actions, list filters, form choices and
autocomplete all start from ``visible_to(request.user)``. Saving goes through
``save_service`` so that the admin writes through the same service as the API and imports.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation, IncorrectLookupParameters
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .archive import describe_family, may_restore, record_archive, record_restore
from .core import ensure_in_scope, is_archivable, restrict_to, scoped_choices, with_archived
from .pagination import CappedCountPaginator
from .reads import Action, is_personal, record_read

# The changelist's "archived" filter (province managers): ?archived=1 lists archived rows.
ARCHIVED_PARAM = "archived"


def _visible(model: type[models.Model], queryset: models.QuerySet, request: HttpRequest) -> models.QuerySet:
    rows = restrict_to(queryset, request.user)
    return queryset if rows is None else rows


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


def deletes_destroy(model: type[models.Model]) -> bool:
    """Whether a user's delete of a row of ``model`` is refused: personal and not archivable."""
    return is_personal(model) and not is_archivable(model)


class ArchivedFilter(admin.SimpleListFilter):
    """ "Archived": lists the archived rows instead of the live ones (see ``get_queryset``)."""

    title = _("archived")
    parameter_name = ARCHIVED_PARAM

    def lookups(self, request, model_admin):
        return [("1", _("Archived"))]

    def queryset(self, request, queryset):
        return queryset


class ScopedModelAdmin(ScopedFormFieldsMixin, admin.ModelAdmin):
    """Base admin for scoped models (and for units and users).

    Every view a subclass adds in ``get_urls`` is wrapped with ``permission_view``, which
    loads the row through the scoped queryset and asks the admin's permission hooks; the
    registry walker in ``tests/test_admin_views_walker.py`` fails on a view that is not.

    Reads of personal data (``scope.reads.PersonalData``) write the access log: the change
    and history pages and every custom view through ``get_object``, lists and searches
    through ``changelist_view``. Deleting an archivable row archives it with its dependants
    (the confirmation lists them); deleting a row of another personal model is refused.
    """

    # Lists count no further than ADMIN_COUNT_CAP rows (scope/pagination.py).
    paginator = CappedCountPaginator

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        if is_archivable(model):
            self.delete_confirmation_template = "admin/archive_confirmation.html"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        if self.shows_archived(request):
            queryset = with_archived(self.model).filter(archived_at__isnull=False)
            ordering = self.get_ordering(request)
            return _visible(self.model, queryset.order_by(*ordering) if ordering else queryset, request)
        return _visible(self.model, super().get_queryset(request), request)

    def shows_archived(self, request: HttpRequest) -> bool:
        """Whether this request lists archived rows: the "archived" filter, for managers only."""
        return is_archivable(self.model) and request.GET.get(ARCHIVED_PARAM) == "1" and may_restore(request.user)

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
        obj = super().get_object(request, object_id, from_field)
        # A read of personal data (or a refused one) is logged.
        if is_personal(self.model):
            if obj is None:
                record_read(request, action=Action.VIEW, model=self.model, refused_ids=[object_id])
            else:
                record_read(request, action=Action.VIEW, objects=[obj])
        return obj

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

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The list; the rows of personal data it shows are logged (a search as a search)."""
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if changelist is not None and is_personal(self.model):
            rows = list(changelist.result_list)
            action = Action.SEARCH if changelist.query else Action.LIST
            record_read(request, action=action, objects=rows, model=self.model)
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        extra_context = {**(extra_context or {}), "archives": is_archivable(self.model)}
        return super().change_view(request, object_id, form_url, extra_context)

    # Archive instead of delete --------------------------------------------------------------

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if deletes_destroy(self.model):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if not is_archivable(self.model):
            return actions
        actions.pop("delete_selected", None)
        if action_location != ActionLocation.CHANGE_LIST:
            return actions
        if self.shows_archived(request):
            actions["restore_selected"] = self.get_action("restore_selected", action_location)
        elif self.has_delete_permission(request):
            actions["archive_selected"] = self.get_action("archive_selected", action_location)
        return actions

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        """Foreign-key filters list only values that occur in the user's rows."""
        result = self._scoped_list_filter(request)
        if is_archivable(self.model) and may_restore(request.user):
            result.append(ArchivedFilter)
        return result

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        if is_archivable(self.model):
            record_archive(record=obj, user=request.user)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        if is_archivable(self.model):
            for obj in queryset:
                record_archive(record=obj, user=request.user)
        else:
            super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request: HttpRequest):
        """For an archivable row: the row and what is archived with it; nothing is "protected"."""
        if not is_archivable(self.model):
            return super().get_deleted_objects(objs, request)
        lines: list[Any] = []
        for obj in objs:
            lines.extend(describe_family(obj))
        return lines, {}, set(), []

    def log_deletions(self, request: HttpRequest, queryset) -> None:
        if not is_archivable(self.model):
            super().log_deletions(request, queryset)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> HttpResponse:
        if not is_archivable(self.model):
            return super().response_delete(request, obj_display, obj_id)
        self.message_user(request, gettext("“%(obj)s” was archived.") % {"obj": obj_display}, messages.SUCCESS)
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info), current_app=self.admin_site.name))

    @admin.action(description=_("Archive selected %(verbose_name_plural)s"), permissions=["delete"])
    def archive_selected(self, request: HttpRequest, queryset: models.QuerySet):
        """Archive the selected rows with their dependants, after a confirmation listing them."""
        if request.POST.get("post"):
            for obj in queryset:
                record_archive(record=obj, user=request.user)
            count = len(queryset)
            self.message_user(
                request,
                ngettext("%(count)d record was archived.", "%(count)d records were archived.", count)
                % {"count": count},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Archive"),
            "objects_name": str(self.opts.verbose_name_plural),
            "families": [describe_family(obj) for obj in queryset],
            "queryset": queryset,
            "opts": self.opts,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/archive_selected_confirmation.html", context)

    @admin.action(description=_("Restore selected %(verbose_name_plural)s"))
    def restore_selected(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        """Bring the selected archived rows back, each with the dependants archived with it."""
        if not may_restore(request.user):
            raise PermissionDenied
        restored = 0
        for obj in queryset:
            try:
                record_restore(record=obj, user=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                restored += 1
        if restored:
            self.message_user(
                request,
                ngettext("%(count)d record was restored.", "%(count)d records were restored.", restored)
                % {"count": restored},
                messages.SUCCESS,
            )

    def _scoped_list_filter(self, request: HttpRequest) -> list[Any]:
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

    def save_inline_through_service(self, request: HttpRequest, form, formset, change: bool) -> None:
        """Save an inline's rows one by one through ``save_inline_service`` instead of ``formset.save()``.

        An admin whose inline rows are written by its app's services calls this from
        ``save_formset``. A row ticked "delete" goes through the formset's own delete, which
        archives an archivable row (``ScopedInline``); many-to-many values are saved last.
        """
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            formset.delete_existing(obj)
        for obj in instances:
            self.save_inline_service(request=request, obj=obj)
        formset.save_m2m()

    def save_inline_service(self, *, request: HttpRequest, obj: models.Model) -> None:
        """Write one row of an inline saved by ``save_inline_through_service``; apps override this."""
        raise NotImplementedError(f"{type(self).__name__} saves inline rows through a service: name it")


# Who sees children's personal data (a permission of accounts.User).
PERSONAL_DATA_PERMISSION = "accounts.view_personal_data"


def sees_personal_data(request: HttpRequest) -> bool:
    return request.user.has_perm(PERSONAL_DATA_PERMISSION)


class SensitiveFieldsMixin:
    """What only users with ``accounts.view_personal_data`` see, for a model admin or an inline.

    The fields named in ``sensitive_fields`` are left out of the fieldsets, so they are neither
    shown nor accepted (the form is built from the fieldsets). ``sensitive_rows`` marks an inline
    whose every row is personal data: it is not shown at all. Put the mixin first among the bases.
    """

    sensitive_fields: Collection[str] = ()
    sensitive_rows = False

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if not self.sensitive_fields or sees_personal_data(request):
            return fieldsets
        return [
            (name, {**opts, "fields": [field for field in opts["fields"] if field not in self.sensitive_fields]})
            for name, opts in fieldsets
        ]

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if self.sensitive_rows and not sees_personal_data(request):
            return False
        return super().has_view_permission(request, obj)  # type: ignore[misc]


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

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if deletes_destroy(self.model):
            return False
        return super().has_delete_permission(request, obj)

    def get_formset(self, request: HttpRequest, obj: models.Model | None = None, **kwargs):
        kwargs["form"] = scope_checked_form(kwargs.get("form", self.form), request.user)
        formset = super().get_formset(request, obj, **kwargs)
        if not is_archivable(self.model):
            return formset
        user = request.user

        class ArchivingFormSet(formset):
            """A row ticked "delete" is archived, not deleted."""

            def delete_existing(self, obj, commit=True):
                if commit:
                    record_archive(record=obj, user=user)

        ArchivingFormSet.__name__ = formset.__name__
        return ArchivingFormSet


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    pass
