"""Every record admin with an import kind offers template, export and import, scoped."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from imports.admin_mixins import KindImportExportMixin

from .scope_world import BUILDERS

KINDS = {
    "cases.child": "children",
    "cases.communestats": "commune_stats",
    "cases.case": "cases",
    "programs.protectionmodel": "models",
    "programs.attendance": "attendance",
    "outreach.outreachevent": "events",
}


def test_every_import_kind_has_buttons_on_its_admin():
    found = {
        model._meta.label_lower: model_admin.import_kind
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, KindImportExportMixin)
    }
    assert found == KINDS


@pytest.mark.parametrize("label", sorted(KINDS))
def test_changelist_shows_buttons_and_exports_only_rows_in_scope(label, cast, units, client_for):
    from django.apps import apps

    from cases.models import Category

    Category.objects.get_or_create(code="SC04", defaults={"point": "d", "name": "Trẻ em khuyết tật"})
    model = apps.get_model(label)
    # The children file has a row per survey record: export children through their surveys.
    row_model = apps.get_model("cases.SurveyRecord") if label == "cases.child" else model
    inside = BUILDERS[row_model](units.quang_trung)
    outside = BUILDERS[row_model](units.pleiku_commune)
    client = client_for(cast.commune)
    info = (model._meta.app_label, model._meta.model_name)
    page = client.get(reverse("admin:{}_{}_changelist".format(*info))).content.decode()
    assert "import-template" in page and "export-link" in page
    template = client.get(reverse("admin:{}_{}_import_template".format(*info), args=["xlsx"]))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    export = client.get(reverse("admin:{}_{}_export".format(*info), args=["csv"]))
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 2, text  # header and the one row in scope
    assert inside is not None and outside is not None
