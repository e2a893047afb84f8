"""Hide the values of personal and abuse data in history written before ``history.diff`` hid them.

History entries are keyed by the field's label in the language of the user who made the change,
so both languages' labels are looked for. Entries keep that the field changed (and whether it was
empty); the values are replaced as ``history.diff`` now does.
"""

from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext

LANGUAGES = ("vi", "en")
CHILD_FIELDS = ("personal_id",)
CASE_FIELDS = ("abuse_details", "notes")


def _labels(model, names):
    """{label in each language: the "(hidden)" text of that language}."""
    labels = {}
    for language in LANGUAGES:
        with translation.override(language):
            hidden = gettext("(hidden)")
            for name in names:
                labels[str(model._meta.get_field(name).verbose_name)] = hidden
    return labels


def hide_values(apps, schema_editor):
    Child = apps.get_model("cases", "Child")
    Case = apps.get_model("cases", "Case")
    ChangeRecord = apps.get_model("cases", "ChangeRecord")
    child_labels = _labels(Child, CHILD_FIELDS)
    # A case's notes share their label with the child's: only entries of a case hide them.
    case_labels = {**child_labels, **_labels(Case, CASE_FIELDS)}
    candidates = ChangeRecord.objects.filter(changes__has_any_keys=list(case_labels)).only("case_id", "changes")
    changed = []
    for record in candidates.iterator(chunk_size=2000):
        labels = case_labels if record.case_id else child_labels
        for label, hidden in labels.items():
            values = record.changes.get(label)
            if values:
                record.changes[label] = [hidden if value else "" for value in values]
        changed.append(record)
        if len(changed) >= 2000:
            ChangeRecord.objects.bulk_update(changed, ["changes"])
            changed = []
    ChangeRecord.objects.bulk_update(changed, ["changes"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_fewer_child_indexes")]

    operations = [migrations.RunPython(hide_values, migrations.RunPython.noop, elidable=True)]
