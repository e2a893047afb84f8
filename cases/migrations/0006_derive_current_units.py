"""Give existing records their current (post-2025) unit; see locations.reform."""

from django.db import migrations


def derive(apps, schema_editor):
    from locations.reform import derive_in_migration

    derive_in_migration(
        apps,
        schema_editor,
        [
            ("cases", "Child", "commune"),
            ("cases", "SurveyRecord", "commune"),
            ("cases", "CommuneStats", "commune"),
            ("cases", "Case", "commune"),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_name_trigram_index"),
        ("locations", "0001_initial"),
    ]

    operations = [migrations.RunPython(derive, migrations.RunPython.noop)]
