"""Migration 0009 hides the personal and abuse values of history written before they were hidden."""

import importlib

from django.apps import apps
from django.utils import translation

from cases.models import Case, ChangeRecord, Child
from reports.tests.factories import CaseFactory

migration = importlib.import_module("cases.migrations.0009_hide_sensitive_history")


def label(model, name, language):
    with translation.override(language):
        return str(model._meta.get_field(name).verbose_name)


def test_old_history_keeps_that_sensitive_fields_changed_but_not_their_values(cast, units):
    case = CaseFactory(commune=units.quang_trung)
    child = case.child
    on_child = ChangeRecord.objects.create(
        child=child,
        action="changed",
        changes={label(Child, "personal_id", "vi"): ["", "062215001234"], label(Child, "notes", "en"): ["a", "b"]},
    )
    on_case = ChangeRecord.objects.create(
        child=child,
        case=case,
        action="changed",
        changes={
            label(Case, "abuse_details", "en"): ["old detail", "new detail"],
            label(Case, "notes", "vi"): ["x", ""],
        },
    )
    migration.hide_values(apps, None)
    on_child.refresh_from_db()
    on_case.refresh_from_db()
    with translation.override("vi"):
        hidden_vi = translation.gettext("(hidden)")
    assert on_child.changes[label(Child, "personal_id", "vi")] == ["", hidden_vi]
    # A child's own notes are not sensitive; a case's are.
    assert on_child.changes[label(Child, "notes", "en")] == ["a", "b"]
    assert on_case.changes[label(Case, "abuse_details", "en")] == ["(hidden)", "(hidden)"]
    assert on_case.changes[label(Case, "notes", "vi")] == [hidden_vi, ""]
