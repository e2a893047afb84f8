"""Names are stored NFC-normalised without format characters; existing ones are cleaned."""

import locations.fields
from django.db import migrations


def _clean_names(apps, model_name: str, fields: list[str], folded: dict[str, str] | None = None) -> None:
    """Store the names already saved as they are saved from now on (NFC, no format characters)."""
    from locations.text import fold, nfc

    model = apps.get_model(*model_name.split("."))
    folded = folded or {}
    changed = []
    for row in model.objects.only("pk", *fields, *folded).iterator(chunk_size=2000):
        clean = {name: nfc(getattr(row, name)) for name in fields}
        if all(clean[name] == getattr(row, name) for name in fields):
            continue
        for name, value in clean.items():
            setattr(row, name, value)
        for target, source in folded.items():
            setattr(row, target, fold(clean[source]))
        changed.append(row)
    model.objects.bulk_update(changed, [*fields, *folded], batch_size=1000)


def clean_names(apps, schema_editor):
    _clean_names(apps, "cases.Child", ["full_name", "caregiver_name"], {"name_folded": "full_name"})
    _clean_names(apps, "cases.PlanAction", ["responsible"])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_communes_only'),
    ]

    operations = [
        migrations.AlterField(
            model_name='child',
            name='caregiver_name',
            field=locations.fields.NameField(blank=True, max_length=150, verbose_name='caregiver'),
        ),
        migrations.AlterField(
            model_name='child',
            name='full_name',
            field=locations.fields.NameField(max_length=150, verbose_name='full name'),
        ),
        migrations.AlterField(
            model_name='planaction',
            name='responsible',
            field=locations.fields.NameField(max_length=150, verbose_name='responsible person'),
        ),
        migrations.RunPython(clean_names, migrations.RunPython.noop),
    ]
