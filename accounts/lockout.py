"""What a locked-out sign-in sees (django-axes' ``AXES_LOCKOUT_CALLABLE``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def lockout_seconds() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds())


def lockout_response(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """429 with a clear message: the admin's sign-in page, or JSON for the API."""
    seconds = lockout_seconds()
    message = _("Too many failed sign-ins: this account is locked for %(minutes)s minutes.") % {
        "minutes": seconds // 60
    }
    if request.path.startswith("/api/"):
        reply: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        reply = TemplateResponse(
            request, "admin/locked_out.html", {"title": _("Account locked"), "message": message}, status=429
        ).render()
    reply["Retry-After"] = str(seconds)
    return reply
