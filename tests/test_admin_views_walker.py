"""Every URL an admin serves refuses a user without the view permission.

Walks ``admin.site._registry`` and each admin's ``get_urls()``. A view added in
``get_urls`` without ``ScopedModelAdmin.permission_view`` fails the structural test, and
one that answers a user without permissions fails the behavioural walk.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, reverse
from django.views.generic import RedirectView

from conftest import make_user
from reports.filtered import REPORTS

from .scope_world import BUILDERS

# Django's own views, which check the admin's permission hooks themselves
# (``user_change_password`` is the password page of Django's ``UserAdmin``).
STOCK_VIEWS = {"changelist_view", "add_view", "history_view", "delete_view", "change_view", "user_change_password"}
# Values for the other parts of custom routes.
ROUTE_VALUES = {"fmt": "csv", "to_status": "verified", "name": next(iter(REPORTS))}


def _admin_patterns() -> list[tuple[Any, URLPattern]]:
    found = []
    for model_admin in admin.site._registry.values():
        for pattern in model_admin.get_urls():
            if getattr(pattern.callback, "view_class", None) is RedirectView:
                continue  # ``<id>/`` → ``<id>/change/``: the change page is walked itself.
            found.append((model_admin, pattern))
    return found


def _underlying_name(callback: Any) -> str:
    while hasattr(callback, "__wrapped__"):
        callback = callback.__wrapped__
    return getattr(callback, "__name__", "")


PATTERNS = _admin_patterns()


def test_every_custom_admin_view_goes_through_permission_view():
    unchecked = [
        f"{model_admin}: {pattern.pattern}"
        for model_admin, pattern in PATTERNS
        if not getattr(pattern.callback, "permission_checked", False)
        and _underlying_name(pattern.callback) not in STOCK_VIEWS
    ]
    assert unchecked == []


def test_the_walk_finds_the_custom_views():
    names = {pattern.name for _admin, pattern in PATTERNS}
    for name in [
        "imports_importjob_errors",
        "imports_importjob_status",
        "imports_importjob_commit",
        "cases_child_duplicates",
        "cases_case_transition",
        "cases_child_export",
        "programs_protectionmodel_register",
        "reports_report_filtered",
    ]:
        assert name in names


def _url(model_admin: Any, pattern: URLPattern, units: Any) -> str:
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "object_id":
            model = model_admin.model
            if model in BUILDERS:
                obj = BUILDERS[model](units.quang_trung)
            else:
                obj = model._default_manager.first()
            kwargs[key] = str(obj.pk) if obj is not None else "1"
        else:
            kwargs[key] = ROUTE_VALUES.get(key, "x")
    return reverse(f"admin:{pattern.name}", kwargs=kwargs)


def _refused(response: Any) -> bool:
    if response.status_code in (403, 404):
        return True
    # "does not exist": back to the admin's home page with a message.
    return response.status_code == 302 and response["Location"] in (reverse("admin:index"), "/admin/")


@pytest.mark.parametrize(
    ("model_admin", "pattern"),
    PATTERNS,
    ids=[f"{a.model._meta.label_lower}:{p.name}" for a, p in PATTERNS],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_admin_url_refuses_a_user_without_permissions(model_admin, pattern, method, units, client):
    nobody = make_user("nobody", "viewer", units.kontum)
    nobody.groups.clear()
    client.force_login(nobody)
    url = _url(model_admin, pattern, units)
    response = getattr(client, method)(url)
    assert _refused(response), (url, response.status_code, response.get("Location"))
