"""Template download, export and import buttons for the changelist of a record admin.

Drop-in for any ``ScopedModelAdmin`` subclass whose model has an import kind; one line::

    class ChildAdmin(KindImportExportMixin, ScopedModelAdmin):
        import_kind = "children"
        export_resource_class = ChildSurveyResource   # from the app's resources.py

The changelist then shows: template (CSV, XLSX with a sheet of allowed codes), export of
the rows shown (CSV, XLSX; the import's columns so it re-imports unchanged) and "Import",
which opens the upload page of ``imports`` for that kind. Exports go through the scoped
resource: only rows the user may see, never more than the filtered list. An admin that
already sets ``change_list_template`` should extend ``admin/imports/change_list_buttons.html``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse

from audit.access import record_access
from scope.reads import Action

from .files import export_file, template_file
from .services import IMPORT_PERMISSION

EXPORT_PERMISSION = "accounts.export_data"
FORMATS = ("csv", "xlsx")


class KindImportExportMixin:
    """Adds template / export / import buttons to a ``ScopedModelAdmin`` changelist."""

    import_kind: str = ""
    export_resource_class: Any = None
    change_list_template = "admin/imports/change_list_buttons.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "template/<str:fmt>/",
                self.permission_view(self.template_view),
                name="{}_{}_import_template".format(*info),
            ),
            path("export/<str:fmt>/", self.permission_view(self.export_view), name="{}_{}_export".format(*info)),
        ]
        return own + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        site = self.admin_site.name
        info = site, self.opts.app_label, self.opts.model_name
        query = request.GET.urlencode()
        extra = {
            "import_kind": self.import_kind,
            "template_urls": [
                (fmt.upper(), reverse("{}:{}_{}_import_template".format(*info), args=[fmt])) for fmt in FORMATS
            ],
            "export_urls": [
                (fmt.upper(), reverse("{}:{}_{}_export".format(*info), args=[fmt]) + (f"?{query}" if query else ""))
                for fmt in FORMATS
            ]
            if self.can_export(request)
            else [],
            "import_url": reverse("admin:imports_importjob_add") + f"?kind={self.import_kind}"
            if request.user.has_perm(IMPORT_PERMISSION)
            else "",
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def can_export(self, request: HttpRequest) -> bool:
        return self.export_resource_class is not None and request.user.has_perm(EXPORT_PERMISSION)

    def template_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in FORMATS or not self.has_view_permission(request):
            raise Http404
        return _download(*template_file(self.import_kind, fmt, request.user))

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404
        if not (self.has_view_permission(request) and self.can_export(request)):
            raise PermissionDenied
        resource = self.export_resource_class(user=request.user)
        queryset = resource.get_queryset()
        try:
            shown = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            # As the list itself does: back to the list with its "incorrect filter" flag.
            changelist = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return HttpResponseRedirect(f"{changelist}?{ERROR_FLAG}=1")
        if queryset.model is self.model:
            queryset = queryset.filter(pk__in=shown.values("pk"))
        else:
            # e.g. survey records exported from the children list: those of the children shown.
            link = next(f.name for f in queryset.model._meta.concrete_fields if f.related_model is self.model)
            queryset = queryset.filter(**{f"{link}__in": shown.values("pk")})
        # Every exported row is a read of personal data, logged with the filter of the list.
        record_access(request, action=Action.EXPORT, objects=queryset)
        return _download(*export_file(resource, fmt, self.import_kind, queryset))


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
