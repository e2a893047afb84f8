"""Admin of imports: upload, preview with progress, error report, commit.

The pages go through ``imports.services`` like the API and ``import_data``; a job outside
the user's scope answers exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.types import signed_in
from scope.admin import ScopedModelAdmin

from .files import errors_csv
from .forms import UploadForm
from .models import ImportJob
from .services import IMPORT_PERMISSION, import_job_commit, import_job_create, import_job_start, import_jobs_sweep

PREVIEW_ERRORS_SHOWN = 200


def job_status(job: ImportJob) -> dict[str, Any]:
    """What the progress bar polls (also the API's status fields)."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_display": job.get_status_display(),
        "phase": job.phase,
        "phase_display": job.get_phase_display(),
        "finished": job.is_finished,
        "rows_read": job.rows_read,
        "rows_valid": job.rows_valid,
        "rows_invalid": job.rows_invalid,
        "new": job.rows_new,
        "updated": job.rows_updated,
        "unchanged": job.rows_unchanged,
        "error_count": job.error_count,
    }


class ImportJobChangeList(ChangeList):
    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        # The list shows no errors nor duplicates: not read, they would be most of each row.
        return super().get_queryset(request, exclude_parameters).defer("errors", "duplicates")


@admin.register(ImportJob)
class ImportJobAdmin(ScopedModelAdmin):
    list_display = [
        "file_name",
        "kind",
        "status_badge",
        "rows_read",
        "rows_new",
        "rows_updated",
        "error_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "file_hash"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj: ImportJob) -> str:
        return format_html('<span class="import-status import-{}">{}</span>', obj.status, obj.get_status_display())

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ImportJobChangeList

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "<path:object_id>/commit/",
                self.permission_view(self.commit_view),
                name="{}_{}_commit".format(*info),
            ),
            path(
                "<path:object_id>/errors.csv",
                self.permission_view(self.errors_view),
                name="{}_{}_errors".format(*info),
            ),
            path(
                "<path:object_id>/status/",
                self.permission_view(self.status_view, missing="json"),
                name="{}_{}_status".format(*info),
            ),
        ]
        return own + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        import_jobs_sweep()
        return super().changelist_view(request, extra_context)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    user=signed_in(request.user), kind=form.cleaned_data["kind"], file=upload, file_name=upload.name
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                import_job_start(job=job)
                return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import a file"),
            "form": form,
            "has_view_permission": True,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/imports/importjob/upload.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        job = self.get_object(request, object_id)
        if job is None:
            # Django's own "does not exist" answer; private, so not in django-stubs.
            redirect: HttpResponse = self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined]
                request, self.opts, object_id
            )
            return redirect
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": job,
            "job": job,
            "title": str(job),
            "status": job_status(job),
            "errors": job.errors[:PREVIEW_ERRORS_SHOWN],
            "more_errors": max(job.error_count - PREVIEW_ERRORS_SHOWN, 0),
            "can_commit": job.can_commit and request.user.has_perm(IMPORT_PERMISSION),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/imports/importjob/detail.html", context)

    def commit_view(self, request: HttpRequest, job: ImportJob) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))
        try:
            job = import_job_commit(job=job, user=signed_in(request.user))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if job.status == ImportJob.Status.COMMITTED:
                messages.success(
                    request,
                    _("Imported: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
                    % {"new": job.rows_new, "updated": job.rows_updated, "unchanged": job.rows_unchanged},
                )
        return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))

    def errors_view(self, request: HttpRequest, job: ImportJob) -> HttpResponse:
        response = HttpResponse(errors_csv(job.errors), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="errors_{job.pk}.csv"'
        return response

    def status_view(self, request: HttpRequest, job: ImportJob) -> HttpResponse:
        return JsonResponse(job_status(job))
