"""The kinds are found in the record apps' ``import_kinds`` and listed in one order everywhere."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from imports import registry
from imports.forms import UploadForm
from imports.kind import KindSpec
from imports.models import ImportJob
from imports.serializers import ImportUploadSerializer

# The order users see the kinds in: the admin's choice, ``import_data`` and the API.
ORDER = ["children", "commune_stats", "models", "cases", "events", "attendance", "incidents"]


def test_every_kind_is_registered_in_order():
    assert list(registry.kinds()) == ORDER
    assert [key for key, _label in registry.kind_choices()] == ORDER


def test_each_kind_lives_in_the_import_kinds_of_the_app_of_its_records():
    for key, spec in registry.kinds().items():
        app, module = spec.__module__.split(".")[:2]
        assert (app, module) == (spec.model._meta.app_label, registry.DISCOVERED_MODULE), key


def test_the_upload_form_the_job_and_the_api_list_the_kinds_in_that_order():
    assert [key for key, _label in UploadForm().fields["kind"].choices] == ORDER
    assert [key for key, _label in ImportJob._meta.get_field("kind").choices] == ORDER
    assert list(ImportUploadSerializer().fields["kind"].choices) == ORDER


def test_the_labels_are_translated():
    from django.utils import translation

    with translation.override("vi"):
        labels = dict(registry.kind_choices())
        assert str(labels["children"]) == "Trẻ em (điều tra)"
        assert str(labels["attendance"]) == "Điểm danh bán trú"
        assert ImportJob(kind="events").get_kind_display() == "Hoạt động truyền thông"


def test_import_data_names_the_kinds_in_that_order(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", "pets", "missing.csv", "--user", "nobody")
    assert exit_info.value.code == 2
    assert f"use one of: {', '.join(ORDER)}." in capsys.readouterr().err


def test_the_admin_upload_page_offers_the_kinds_in_that_order(client_for, cast):
    import re

    page = client_for(cast.commune).get("/admin/imports/importjob/add/").content.decode()
    select = re.search(r'<select name="kind".*?</select>', page, re.S)
    assert select is not None
    assert [v for v in re.findall(r'<option value="([^"]*)"', select.group(0)) if v] == ORDER


def test_the_api_schema_names_the_kinds_in_that_order(client_for, cast):
    schema = client_for(cast.viewer).get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["components"]["schemas"]["ImportKindEnum"]["enum"] == ORDER


def test_a_key_is_registered_once(monkeypatch):
    monkeypatch.setattr(registry, "_registered", dict(registry._registered))

    class Pets(KindSpec):
        kind = "pets"
        label = "Pets"
        position = 5

    class OtherChildren(KindSpec):
        kind = "children"

    assert registry.register(Pets) is Pets
    assert registry.register(Pets) is Pets  # the same class again: nothing changes
    assert list(registry.kinds()) == ["pets", *ORDER]
    with pytest.raises(registry.AlreadyRegistered):
        registry.register(OtherChildren)
    assert registry.kinds()["children"].__name__ == "ChildrenSpec"


def test_discovering_again_registers_nothing_twice():
    registry.autodiscover()
    assert list(registry.kinds()) == ORDER
