"""The scoped admin bases: every raw-id box of every registered admin and inline names only rows in scope."""

from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory

from tests.scope_world import BUILDERS


def _admins_with_raw_ids():
    for model, model_admin in admin.site._registry.items():
        for each in [model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)]:
            for name in each.raw_id_fields:
                field = each.model._meta.get_field(name)
                if field.many_to_one or field.one_to_one:
                    yield each, field


def test_every_raw_id_box_names_only_rows_in_scope(cast, units):
    request = RequestFactory().get("/")
    request.user = cast.commune
    checked = []
    for model_admin, db_field in _admins_with_raw_ids():
        target = db_field.related_model
        inside, outside = BUILDERS[target](units.quang_trung), BUILDERS[target](units.dakglei_town)
        widget = model_admin.formfield_for_dbfield(db_field, request).widget
        assert widget.get_context(db_field.name, inside.pk, {})["link_label"], (model_admin, db_field.name)
        assert widget.get_context(db_field.name, outside.pk, {})["link_label"] == "", (model_admin, db_field.name)
        checked.append(f"{model_admin.model._meta.label}.{db_field.name}")
    # Child categories (survey, case), survey records, cases and case forms.
    assert len(checked) >= 5, checked
