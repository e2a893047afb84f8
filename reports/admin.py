"""Report pages in the admin: the annual summary and the filtered reports, scoped by the user.

``Report`` has no table; its admin replaces the change list with the annual summary page and
adds one page per filtered report. Every figure comes from selectors called with
``request.user``; a unit outside the scope answers 404 like an unknown one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scope.admin import ScopedModelAdmin

from .abuse import abuse_report
from .abuse_tables import abuse_charts, abuse_content, abuse_filename, abuse_heading, abuse_tables
from .area import ReportRequestError, ReportUnitNotFound, resolve_area
from .documents import annual_report_file
from .exports import as_json_text, download, table_csv, tables_xlsx
from .filtered import REPORTS
from .forms import AnnualSummaryForm
from .models import Report
from .narrative import agency, annual_narrative
from .summary import annual_summary
from .summary_charts import summary_charts
from .summary_tables import summary_content, summary_filename, summary_heading, summary_tables

FORMATS = {"xlsx", "csv", "json"}
DOCUMENT_FORMATS = {"docx", "pdf"}


def can_view_reports(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.has_perm("accounts.view_reports")


@admin.register(Report)
class ReportAdmin(ScopedModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_view_reports(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_reports(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self):
        view = self.permission_view
        return [
            path("", view(self.annual_view), name="reports_report_changelist"),
            path("abuse/", view(self.abuse_view), name="reports_report_abuse"),
            path("filtered/<slug:name>/", view(self.filtered_view), name="reports_report_filtered"),
        ]

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "agency": agency(),
            "reports": [
                (name, label, reverse("admin:reports_report_filtered", args=[name]))
                for name, (label, _f) in REPORTS.items()
            ],
        }

    def annual_view(self, request: HttpRequest) -> HttpResponse:
        if not can_view_reports(request):
            raise PermissionDenied
        year = request.GET.get("year") or str(timezone.localdate().year)
        unit = request.GET.get("unit", "")
        form = AnnualSummaryForm(initial={"unit": unit, "year": year}, user=request.user)
        context = self._context(request, _("Annual summary"))
        context["form"] = form
        try:
            area = resolve_area(user=request.user, unit_code=unit, year=year, edition=request.GET.get("edition"))
        except ReportRequestError as exc:
            context["error"] = str(exc)
            return TemplateResponse(request, "admin/reports/annual_summary.html", context, status=400)
        except ReportUnitNotFound as exc:
            raise Http404(str(exc)) from exc
        summary = annual_summary(user=request.user, area=area)
        fmt = request.GET.get("format")
        if fmt in DOCUMENT_FORMATS:
            return annual_report_file(summary=summary, fmt=fmt, user=request.user).response()
        if fmt in FORMATS:
            try:
                content = summary_content(summary, fmt, table=request.GET.get("table", "summary"))
            except ValueError as exc:
                raise Http404(str(exc)) from exc
            suffix = f"-{request.GET['table']}" if fmt == "csv" and request.GET.get("table") else ""
            return download(content, filename=summary_filename(summary) + suffix, fmt=fmt)
        query = request.GET.copy()
        query.pop("format", None)
        query.pop("table", None)
        query["year"] = str(area.year)
        context.update(
            {
                "summary": summary,
                "heading": summary_heading(summary),
                "tables": summary_tables(summary),
                "narrative": annual_narrative(summary),
                "charts": summary_charts(summary),
                "query": query.urlencode(),
            }
        )
        return TemplateResponse(request, "admin/reports/annual_summary.html", context)

    def abuse_view(self, request: HttpRequest) -> HttpResponse:
        """Children abused in the year, by sex, age group, form, setting and unit, with a chart."""
        if not can_view_reports(request):
            raise PermissionDenied
        year = request.GET.get("year") or str(timezone.localdate().year)
        unit = request.GET.get("unit", "")
        context = self._context(request, _("Children abused"))
        context["form"] = AnnualSummaryForm(initial={"unit": unit, "year": year}, user=request.user)
        try:
            area = resolve_area(user=request.user, unit_code=unit, year=year, edition=request.GET.get("edition"))
        except ReportRequestError as exc:
            context["error"] = str(exc)
            return TemplateResponse(request, "admin/reports/abuse.html", context, status=400)
        except ReportUnitNotFound as exc:
            raise Http404(str(exc)) from exc
        report = abuse_report(user=request.user, area=area)
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            try:
                content = abuse_content(report, fmt, table=request.GET.get("table", "summary"))
            except ValueError as exc:
                raise Http404(str(exc)) from exc
            suffix = f"-{request.GET['table']}" if fmt == "csv" and request.GET.get("table") else ""
            return download(content, filename=abuse_filename(report) + suffix, fmt=fmt)
        query = request.GET.copy()
        query.pop("format", None)
        query.pop("table", None)
        query["year"] = str(area.year)
        context.update(
            {
                "report": report,
                "heading": abuse_heading(report),
                "tables": abuse_tables(report),
                "charts": abuse_charts(report),
                "query": query.urlencode(),
            }
        )
        return TemplateResponse(request, "admin/reports/abuse.html", context)

    def filtered_view(self, request: HttpRequest, name: str) -> HttpResponse:
        if not can_view_reports(request):
            raise PermissionDenied
        if name not in REPORTS:
            raise Http404
        label, selector = REPORTS[name]
        data = {k: v for k, v in request.GET.items() if k not in ("format", "table")}
        try:
            report = selector(user=request.user, data=data)
        except ReportUnitNotFound as exc:
            raise Http404(str(exc)) from exc
        invalid = report.filterset.is_bound and not report.filterset.is_valid()
        if invalid:
            messages.error(request, _("Please correct the filters: %(errors)s") % {"errors": _errors(report.filterset)})
        fmt = None if invalid else request.GET.get("format")
        filename = f"report-{name}-{report.filterset.period()[1].year}"
        if fmt == "xlsx":
            return download(
                tables_xlsx(report.tables, heading=[agency()["name"], str(label)]), filename=filename, fmt=fmt
            )
        if fmt == "csv":
            by_name = {t.name: t for t in report.tables}
            table = by_name.get(request.GET.get("table", ""), report.tables[0])
            return download(table_csv(table), filename=f"{filename}-{table.name}", fmt=fmt)
        if fmt == "json":
            return download(as_json_text([t.as_json() for t in report.tables]), filename=filename, fmt=fmt)
        query = request.GET.copy()
        query.pop("format", None)
        query.pop("table", None)
        context = self._context(request, str(label))
        context.update(
            {
                "filterset": report.filterset,
                "tables": report.tables,
                "query": query.urlencode(),
                "name": name,
                "suppressed_below": report.suppressed_below,
            }
        )
        return TemplateResponse(request, "admin/reports/filtered.html", context, status=400 if invalid else 200)


def _errors(filterset) -> str:
    return "; ".join(
        f"{filterset.form.fields[f].label if f in filterset.form.fields else f}: {' '.join(e)}"
        for f, e in filterset.errors.items()
    )
