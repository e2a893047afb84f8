"""Every delete path of every registered model destroys nothing personal.

For each model of the scope world that has an admin or an API: the admin's delete page,
its delete action, the archive action, inline deletes and the API's ``DELETE`` are tried as
a superuser (who holds every permission). Afterwards no row of a personal or archivable
model may be gone from the database: archivable rows are archived, other personal rows
cannot be deleted at all.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from rest_framework.test import APIClient

from scope.core import is_archivable
from scope.reads import is_personal

from .registry import url_views
from .scope_world import BUILDERS

pytestmark = pytest.mark.django_db


def kept_models() -> list[type]:
    return [m for m in apps.get_models() if is_personal(m) or is_archivable(m)]


def counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in kept_models()}


def assert_nothing_lost(before: dict[str, int], where: str) -> None:
    after = counts()
    lost = {label: (n, after[label]) for label, n in before.items() if after[label] < n}
    assert lost == {}, f"{where} destroyed rows: {lost}"


def _world_admins():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items() if model in BUILDERS]


@pytest.fixture
def setup(cast, units):
    from cases.models import Category

    Category.objects.get_or_create(code="SC04", defaults={"point": "d", "name": "Trẻ em khuyết tật"})
    return cast, units


def test_admin_delete_pages_and_actions_destroy_nothing_personal(setup, client_for):
    cast, units = setup
    client = client_for(cast.superuser)
    tried = 0
    for model, _model_admin in _world_admins():
        info = model._meta.app_label, model._meta.model_name
        obj = BUILDERS[model](units.quang_trung)
        before = counts()
        client.post(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), {"post": "yes"})
        assert_nothing_lost(before, f"admin delete page of {model._meta.label}")
        for action in ("delete_selected", "archive_selected"):
            obj = BUILDERS[model](units.quang_trung)
            before = counts()
            client.post(
                reverse("admin:{}_{}_changelist".format(*info)),
                {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes", "index": 0},
            )
            assert_nothing_lost(before, f"admin {action} of {model._meta.label}")
        if is_archivable(model):
            assert model._base_manager.get(pk=obj.pk).archived_at is not None, model._meta.label
        tried += 1
    assert tried > 10


def test_admin_inlines_delete_nothing_personal(setup, rf):
    """A personal inline offers no delete; an archivable one archives what it deletes."""
    cast, units = setup
    request = rf.get("/")
    request.user = cast.superuser
    checked = 0
    for model, model_admin in admin.site._registry.items():
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            if not (is_personal(inline.model) or is_archivable(inline.model)):
                continue
            checked += 1
            if not is_archivable(inline.model):
                assert not inline.has_delete_permission(request), f"{model.__name__}: {inline_class.__name__}"
                continue
            row = BUILDERS[inline.model](units.quang_trung)
            parent = getattr(row, inline.get_formset(request).fk.name)
            formset = inline.get_formset(request, parent)(instance=parent)
            before = counts()
            formset.delete_existing(row)
            assert_nothing_lost(before, f"inline {inline_class.__name__}")
            assert inline.model._base_manager.get(pk=row.pk).archived_at is not None
    assert checked > 5


def test_admin_inline_delete_through_the_change_form_archives(setup, client_for):
    from cases.models import CaseAttachment

    cast, units = setup
    attachment = BUILDERS[CaseAttachment](units.quang_trung)
    case = attachment.case
    client = client_for(cast.province)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({"child": case.child_id, "commune": case.commune_id, "opened_on": "01/03/2024"})
    data["expected_version"] = type(case)._base_manager.get(pk=case.pk).version
    data["circumstances"] = [c.pk for c in data.get("circumstances", [])]
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        prefix = fs.prefix
        data.update({f"{prefix}-TOTAL_FORMS": len(fs.forms), f"{prefix}-INITIAL_FORMS": len(fs.initial_forms)})
        data.update({f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for i, inline_form in enumerate(fs.forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if value is not None and not hasattr(value, "read"):
                    data[f"{prefix}-{i}-{name}"] = getattr(value, "pk", value)
            if fs.model is CaseAttachment:
                data[f"{prefix}-{i}-DELETE"] = "on"
                data[f"{prefix}-{i}-id"] = attachment.pk
                data[f"{prefix}-{i}-case"] = case.pk
    before = counts()
    response = client.post(reverse("admin:cases_case_change", args=[case.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert_nothing_lost(before, "case change form")
    assert CaseAttachment._base_manager.get(pk=attachment.pk).archived_at is not None
    assert not CaseAttachment.objects.filter(pk=attachment.pk).exists()


def test_a_consent_deleted_on_the_child_page_is_archived(setup, client_for):
    """Consent is withdrawn, never deleted: the inline's delete box archives the row."""
    from cases.models import Consent
    from cases.tests.test_admin import child_post

    cast, units = setup
    consent = BUILDERS[Consent](units.quang_trung)
    child = consent.child
    row = {"id": consent.pk, "child": child.pk, "party": consent.party, "purpose": consent.purpose}
    row.update({"given_on": "01/05/2020", "DELETE": "on"})
    data = child_post(child, **{"consents-TOTAL_FORMS": 1, "consents-INITIAL_FORMS": 1})
    data.update({f"consents-0-{name}": value for name, value in row.items()})
    before = counts()
    response = client_for(cast.province).post(reverse("admin:cases_child_change", args=[child.pk]), data)
    assert response.status_code == 302
    assert_nothing_lost(before, "child change form")
    assert Consent._base_manager.get(pk=consent.pk).archived_at is not None
    assert not Consent.objects.filter(pk=consent.pk).exists()


def test_api_delete_destroys_nothing_personal(setup):
    cast, units = setup
    client = APIClient()
    client.force_authenticate(cast.superuser)
    tried = 0
    for _route, callback in url_views():
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", {}) or {}
        if cls is None or actions.get("delete") != "destroy":
            continue
        model = cls.queryset.model
        if model not in BUILDERS:
            continue
        obj = BUILDERS[model](units.quang_trung)
        before = counts()
        response = client.delete(reverse(f"{callback.initkwargs['basename']}-detail", args=[obj.pk]))
        assert_nothing_lost(before, f"API DELETE of {model._meta.label}")
        if is_archivable(model):
            assert response.status_code == 204, (model, response.status_code)
            assert model._base_manager.get(pk=obj.pk).archived_at is not None
        elif is_personal(model):
            assert response.status_code == 403, (model, response.status_code)
        tried += 1
    assert tried >= 3
