"""Every surface that shows personal data writes an access event.

Walks the admin registry (change list, change page, history page, exports) and the API's
list and detail views of every model that declares ``PersonalData``, as a superuser, and
checks that each read left an event naming the record it showed.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from audit.models import AccessEvent
from scope.reads import is_personal

from .registry import url_views
from .scope_world import BUILDERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast, units):
    from cases.models import Category

    Category.objects.get_or_create(code="SC04", defaults={"point": "d", "name": "Trẻ em khuyết tật"})
    return cast, units


def logged(obj, *, action: str) -> bool:
    """An event of ``action`` for ``obj`` (by its model and id) since the last check."""
    found = AccessEvent.objects.filter(action=action, model=obj._meta.label_lower, object_id=str(obj.pk)).exists()
    AccessEvent.objects.all().delete()
    return found


def test_every_admin_page_of_personal_data_writes_an_access_event(setup, client_for):
    cast, units = setup
    client = client_for(cast.superuser)
    checked = []
    for model in admin.site._registry:
        if not is_personal(model):
            continue
        obj = BUILDERS[model](units.quang_trung)
        info = model._meta.app_label, model._meta.model_name
        AccessEvent.objects.all().delete()
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        assert logged(obj, action="list"), f"{model._meta.label}: list"
        for page in ("change", "history"):
            assert client.get(reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[obj.pk])).status_code == 200
            assert logged(obj, action="view"), f"{model._meta.label}: {page}"
        try:
            export = reverse("admin:{}_{}_export".format(*info), args=["csv"])
        except NoReverseMatch:
            export = None
        if export is not None:
            assert client.get(export).status_code == 200
            assert AccessEvent.objects.filter(action="export").exists(), f"{model._meta.label}: export"
        checked.append(model._meta.label)
    assert {"cases.Child", "cases.Case"} <= set(checked)


def test_every_api_view_of_personal_data_writes_an_access_event(setup):
    cast, units = setup
    client = APIClient()
    client.force_authenticate(cast.superuser)
    checked = []
    for _route, callback in url_views():
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", {}) or {}
        if cls is None or actions.get("get") != "list" or "basename" not in callback.initkwargs:
            continue
        model = cls.queryset.model
        if not is_personal(model):
            continue
        obj = BUILDERS[model](units.quang_trung)
        basename = callback.initkwargs["basename"]
        AccessEvent.objects.all().delete()
        assert client.get(reverse(f"{basename}-list"), {"page_size": 1000}).status_code == 200
        assert logged(obj, action="api"), f"{basename}: list"
        assert client.get(reverse(f"{basename}-detail", args=[obj.pk])).status_code == 200
        assert logged(obj, action="api"), f"{basename}: detail"
        checked.append(basename)
    assert {"child", "case"} <= set(checked)
