"""Writes the access events a request collected, once, when its response leaves."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .access import PENDING_ATTR, write_events


class AccessLogMiddleware:
    """Collects ``record_access`` calls on the request and writes them in one ``bulk_create``.

    Written even when the view failed after reading: a read that happened is logged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        setattr(request, PENDING_ATTR, [])
        try:
            return self.get_response(request)
        finally:
            pending = getattr(request, PENDING_ATTR)
            setattr(request, PENDING_ATTR, None)
            write_events(pending)
