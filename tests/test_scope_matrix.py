"""Behavioural scope matrix: users at every level against records in three places.

For every scoped model: ``a`` is in commune 23281 (district 608, legacy Kon Tum), ``b`` in
23341 (district 610, Kon Tum), ``c`` in 23557 (legacy Gia Lai). Each user must see
exactly the expected subset through the ORM, the admin (list, change page, autocomplete,
filters, form choices) and the API (list, detail).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from locations.models import Unit
from scope.core import restrict_to

from .registry import scoped_models, url_views
from .scope_world import BUILDERS

# Who sees which of a, b, c. Collaborators see only what they reported: none of these.
EXPECTED = {
    "commune": {"a"},
    "peer_commune": {"b"},
    "district": {"a"},
    "peer_district": {"b"},
    "province": {"a", "b"},
    "manager": {"a", "b"},
    "other_province": {"c"},
    "current_province": {"a", "b"},
    "collaborator": set(),
    "viewer": {"a", "b"},  # by scope; the viewer's role grants no model permissions at all
    "no_unit": set(),
    "superuser": {"a", "b", "c"},
}
# Units are reference data scoped by level only (no owner rule).
EXPECTED_UNITS_OVERRIDE = {"collaborator": {"a"}}


# Models whose rows only managers read (scope says which rows, the role whether at all).
MANAGERS_ONLY = {"audit.accessevent"}


def view_permission(model) -> str:
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def expected(user_key: str, model) -> set[str]:
    if model is Unit and user_key in EXPECTED_UNITS_OVERRIDE:
        return EXPECTED_UNITS_OVERRIDE[user_key]
    return EXPECTED[user_key]


@pytest.fixture
def world(cast, units):
    """{model: {"a": obj, "b": obj, "c": obj}} for every scoped model."""
    from cases.models import Category

    Category.objects.get_or_create(code="SC04", defaults={"point": "d", "name": "Trẻ em khuyết tật"})
    places = {"a": units.quang_trung, "b": units.dakglei_town, "c": units.pleiku_commune}
    return {
        model: {key: BUILDERS[model](unit) for key, unit in places.items()}
        for model in scoped_models()
        if model in BUILDERS
    }


def _visible_keys(objs: dict, pks: set) -> set[str]:
    return {key for key, obj in objs.items() if obj.pk in pks}


@pytest.mark.parametrize("user_key", sorted(EXPECTED))
def test_orm_visible_to_matches_the_matrix(world, cast, user_key):
    user = getattr(cast, user_key)
    for model, objs in world.items():
        # The one entry point of the scoped surfaces: a model's ``visible_to``, units' ``units_in_scope``.
        visible = restrict_to(model._default_manager.all(), user)
        assert visible is not None, model._meta.label
        pks = set(visible.filter(pk__in=[o.pk for o in objs.values()]).values_list("pk", flat=True))
        assert _visible_keys(objs, pks) == expected(user_key, model), model._meta.label


@pytest.mark.parametrize("user_key", sorted(EXPECTED))
def test_admin_lists_and_change_pages_match_the_matrix(world, cast, client_for, user_key):
    user = getattr(cast, user_key)
    client = client_for(user)
    for model, objs in world.items():
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)) + "?all=")
        if response.status_code == 403:
            assert not user.has_perm(f"{info[0]}.view_{info[1]}"), model._meta.label
            continue
        assert response.status_code == 200, (model._meta.label, response.status_code)
        listed = {obj.pk for obj in response.context["cl"].result_list}
        assert _visible_keys(objs, listed) == expected(user_key, model) & _visible_keys(objs, listed) and _visible_keys(
            objs, listed
        ) <= expected(user_key, model), model._meta.label
        for key, obj in objs.items():
            page = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            if key in expected(user_key, model):
                assert page.status_code == 200, (model._meta.label, key, page.status_code)
            else:
                # Out of scope reads exactly like a missing object: redirect with "does not exist".
                missing = client.get(reverse("admin:{}_{}_change".format(*info), args=[10**9]))
                assert page.status_code == missing.status_code, (model._meta.label, key)
                assert page.status_code in (302, 404), (model._meta.label, key)


@pytest.mark.parametrize("user_key", ["commune", "district", "province", "other_province", "current_province"])
def test_admin_pages_name_no_unit_outside_scope(world, cast, client_for, units, user_key):
    """List filters and form choices of every admin show no unit outside the scope."""
    user = getattr(cast, user_key)
    client = client_for(user)
    outside = {
        "commune": [units.dakglei_town, units.pleiku_commune],
        "district": [units.dakglei_town, units.pleiku_commune],
        "province": [units.pleiku_commune],
        "other_province": [units.quang_trung, units.dakglei_town],
        "current_province": [units.pleiku_commune],
    }[user_key]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages = [reverse("admin:{}_{}_changelist".format(*info))]
        if model_admin.has_add_permission(_request_for(user)):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                continue
            content = response.content.decode()
            for unit in outside:
                assert unit.name not in content, (url, unit.name)


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("user_key", ["commune", "district", "province", "other_province", "no_unit"])
def test_admin_autocomplete_matches_the_matrix(world, cast, client_for, user_key):
    user = getattr(cast, user_key)
    client = client_for(user)
    checked = 0
    for source_model, source_admin in admin.site._registry.items():
        for field_name in source_admin.get_autocomplete_fields(_request_for(user)):
            target = source_model._meta.get_field(field_name).related_model
            if target not in world:
                continue
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": source_model._meta.app_label,
                    "model_name": source_model._meta.model_name,
                    "field_name": field_name,
                    "term": "",
                },
            )
            if response.status_code == 403:
                continue
            assert response.status_code == 200
            ids = {int(r["id"]) for r in response.json()["results"]}
            assert _visible_keys(world[target], ids) <= expected(user_key, target), (source_model, field_name)
            checked += 1
    if user_key == "province":
        assert checked > 0, "no autocomplete field was exercised"


def api_list_routes() -> dict[type, str]:
    """Scoped model -> URL name of its API list view."""
    from scope.api import ScopedViewSetMixin

    routes = {}
    for _route, callback in url_views():
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", {}) or {}
        if cls is not None and issubclass(cls, ScopedViewSetMixin) and actions.get("get") == "list":
            routes[cls.queryset.model] = cls
    return routes


@pytest.mark.parametrize("user_key", sorted(EXPECTED))
def test_api_lists_and_details_match_the_matrix(world, cast, user_key):
    from rest_framework.test import APIClient

    user = getattr(cast, user_key)
    client = APIClient()
    client.force_authenticate(user)
    checked = 0
    for _route, callback in url_views():
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", {}) or {}
        if cls is None or actions.get("get") != "list" or not hasattr(cls, "basename"):
            continue
        model = getattr(getattr(cls, "queryset", None), "model", None)
        if model not in world:
            continue
        objs = world[model]
        list_url = (
            reverse(f"{callback.initkwargs.get('basename', cls.basename)}-list")
            if "basename" in callback.initkwargs
            else None
        )
        if list_url is None:
            continue
        response = client.get(list_url, {"page_size": 1000})
        checked += 1
        if response.status_code == 403:
            assert (
                not expected(user_key, model)
                or user_key in ("viewer", "collaborator", "no_unit")
                or (model._meta.label_lower in MANAGERS_ONLY and not user.has_perm(view_permission(model)))
            ), model
            continue
        assert response.status_code == 200, (list_url, response.status_code)
        rows = response.json()["results"] if isinstance(response.json(), dict) else response.json()
        pks = {row["id"] for row in rows}
        assert _visible_keys(objs, pks) <= expected(user_key, model), list_url
        for key, obj in objs.items():
            detail = client.get(reverse(f"{callback.initkwargs['basename']}-detail", args=[obj.pk]))
            if key in expected(user_key, model):
                assert detail.status_code == 200, (list_url, key)
            else:
                assert detail.status_code == 404, (list_url, key, detail.status_code)
    assert checked > 0


def test_units_api_search_shows_nothing_outside_scope(cast, units):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(cast.commune)
    response = client.get("/api/v1/units/", {"name": "phuong"})
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert codes == {"23281"}
    client.force_authenticate(cast.no_unit)
    assert client.get("/api/v1/units/").json()["count"] == 0


@pytest.mark.parametrize("user_key", sorted(EXPECTED))
def test_file_downloads_match_the_matrix(world, cast, client_for, user_key):
    """Every file field: downloadable in scope with the view permission, 404 outside, 403 without it."""
    from scope.downloads import download_url, project_file_fields

    user = getattr(cast, user_key)
    client = client_for(user)
    checked = 0
    for model, field in project_file_fields():
        allowed = user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        for key, obj in world[model].items():
            response = client.get(download_url(obj, field.name))
            b"".join(response.streaming_content) if response.streaming else response.content
            if not allowed:
                assert response.status_code == 403, (model._meta.label, key)
            elif key in expected(user_key, model):
                assert response.status_code == 200, (model._meta.label, key, response.status_code)
                assert response["Content-Disposition"].startswith("attachment;")
            else:
                assert response.status_code == 404, (model._meta.label, key, response.status_code)
            checked += 1
    assert checked >= 12


# Who may record and withdraw consent (cases.add_consent / cases.change_consent) where they see the child.
CONSENT_WRITERS = {"commune", "peer_commune", "district", "peer_district", "province", "other_province"}
CONSENT_WRITERS |= {"current_province", "superuser"}


@pytest.mark.parametrize("user_key", sorted(EXPECTED))
def test_consent_writes_match_the_matrix(cast, units, user_key):
    """``POST children/{id}/consents/`` and ``…/withdraw/``: 404 outside the scope, 403 without the role."""
    from rest_framework.test import APIClient

    from cases.models import Child, Consent

    places = {"a": units.quang_trung, "b": units.dakglei_town, "c": units.pleiku_commune}
    client = APIClient()
    client.force_authenticate(getattr(cast, user_key))
    for key, unit in places.items():
        consent = BUILDERS[Consent](unit)
        child = consent.child
        base = f"/api/v1/children/{child.pk}/consents/"
        body = {"party": "representative", "purpose": "data_sharing", "given_on": "2021-01-01"}
        recorded = client.post(base, body, format="json").status_code
        withdrawn = client.post(f"{base}{consent.pk}/withdraw/", {"withdrawn_on": "2021-02-01"}, format="json")
        if user_key in ("viewer", "manager"):
            # Their roles write no child at all: refused before the scope is looked at, so nothing leaks.
            assert (recorded, withdrawn.status_code) == (403, 403), key
        elif key not in expected(user_key, Child):
            assert (recorded, withdrawn.status_code) == (404, 404), key
        elif user_key in CONSENT_WRITERS:
            assert (recorded, withdrawn.status_code) == (201, 200), key
        else:
            assert recorded == 403 and withdrawn.status_code == 403, (user_key, key)
        assert Consent.objects.filter(child=child).count() == (2 if recorded == 201 else 1)
