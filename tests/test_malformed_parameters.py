"""No query parameter, however malformed, answers 500.

Walks every GET operation of the API schema (every django-filter parameter and every
documented action parameter) and every admin changelist's filter parameters (and the same
on its export and autocomplete), feeding each malformed values.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from .scope_world import BUILDERS

MALFORMED = ["0", "99999", "abc", "-1", "1e999", "01/01/0001", "0001-01-01", "é" * 3000]
# The admin lists cost more per request: the values that broke them, and a very long one.
MALFORMED_ADMIN = ["99999", "abc", "01/01/0001", "é" * 3000]


@pytest.fixture
def world(units):
    """One record of every scoped model in a commune of the officer's province."""
    return {model: build(units.quang_trung) for model, build in BUILDERS.items()}


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def api_operations() -> list[tuple[str, list[str]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    by_path = {}
    for path, operations in schema["paths"].items():
        if "get" in operations:
            by_path[path] = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"]
    for path, names in by_path.items():
        # An action on the list (``events/totals/``) filters like the list itself.
        parent = path.rstrip("/").rsplit("/", 1)[0] + "/"
        if not names and "{" not in path and parent in by_path:
            by_path[path] = by_path[parent]
    return sorted(by_path.items())


def _fill(path: str, world: dict) -> str:
    """An existing id in the path's ``{id}``."""
    if "{id}" not in path:
        return path
    resource = path.split("/")[3]
    for model, obj in world.items():
        route = {"children": "child", "cases": "case", "events": "outreachevent", "models": "protectionmodel"}
        if model._meta.model_name == route.get(resource, resource.rstrip("s")):
            return path.replace("{id}", str(obj.pk))
    return path.replace("{id}", "1")


def test_every_api_query_parameter_answers_malformed_values_without_a_500(cast, world):
    client = _client(cast.province)
    failures = []
    for path, names in api_operations():
        url = _fill(path, world)
        for name in [*names, "unknown_parameter"]:
            for value in MALFORMED:
                response = client.get(url, {name: value})
                if response.status_code >= 500:
                    failures.append((url, name, value[:20], response.status_code))
    assert failures == []


def _changelist_parameters(model_admin: Any, request: Any) -> list[str]:
    changelist = model_admin.get_changelist_instance(request)
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return [*names, "q", "o", "p", "unknown_parameter"]


def test_every_admin_changelist_filter_answers_malformed_values_without_a_500(cast, world, rf):
    client = _client(cast.superuser)
    failures = []
    for model, model_admin in admin.site._registry.items():
        if not model._meta.managed:
            continue  # the reports' page, not a list of rows (its filters are walked through the API tests)
        info = model._meta.app_label, model._meta.model_name
        try:
            changelist_url = reverse("admin:{}_{}_changelist".format(*info))
        except Exception:  # an admin without a list
            continue
        request = rf.get(changelist_url)
        request.user = cast.superuser
        urls = [changelist_url]
        try:
            urls.append(reverse("admin:{}_{}_export".format(*info), args=["csv"]))
        except Exception:  # an admin without an export
            pass
        for name in _changelist_parameters(model_admin, request):
            for value in MALFORMED_ADMIN:
                for url in urls:
                    response = client.get(url, {name: value})
                    if response.status_code >= 500:
                        failures.append((url, name, value[:20], response.status_code))
    assert failures == []


def test_a_control_character_in_any_parameter_is_a_clear_400(cast, world):
    client = _client(cast.province)
    child = world[next(m for m in world if m._meta.model_name == "child")]
    urls = [
        reverse("admin:cases_child_changelist") + "?q=",
        reverse("admin:autocomplete") + "?app_label=cases&model_name=case&field_name=child&term=",
        "/api/v1/children/?q=",
        reverse("admin:cases_child_duplicates", args=[child.pk]) + "?x=",
    ]
    for url in urls:
        response = client.get(url + "%00")
        assert response.status_code == 400, url
        text = response.json()["detail"] if url.startswith("/api/") else response.content.decode()
        assert "control character" in text or "ký tự điều khiển" in text
