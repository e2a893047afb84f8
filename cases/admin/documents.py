"""The Decree 56 forms on the case page: one button per form and format, and the view behind them."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import ModelAdmin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse

from documents.render import FORMATS, DocumentFormatError

from ..documents import CASE_DOCUMENTS, UnknownDocument, case_document_file
from ..models import Case


def case_document_buttons(model_admin: ModelAdmin, request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    """``{label, links: [(format, url)]}`` of every form, for users who may view the case."""
    if not model_admin.has_view_permission(request, case):
        return []
    return [
        {
            "key": key,
            "label": kind.label,
            "links": [
                (fmt, reverse("admin:cases_case_document", args=[case.pk, key]) + f"?format={fmt}") for fmt in FORMATS
            ],
        }
        for key, kind in CASE_DOCUMENTS.items()
    ]


def case_document_view(request: HttpRequest, case: Case, form: str) -> HttpResponse:
    """The file of a case the admin's permission check has loaded: an unknown form 404, a bad format 400."""
    if form not in CASE_DOCUMENTS:
        raise Http404
    try:
        rendered = case_document_file(
            case=case, form=form, fmt=request.GET.get("format", "docx"), user=request.user, request=request
        )
    except UnknownDocument as exc:
        raise Http404 from exc
    except DocumentFormatError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    return rendered.response()
