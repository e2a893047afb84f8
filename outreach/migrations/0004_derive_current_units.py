"""Give existing records their current (post-2025) unit; see locations.reform."""

from django.db import migrations


def derive(apps, schema_editor):
    from locations.reform import derive_in_migration

    derive_in_migration(apps, schema_editor, [("outreach", "OutreachEvent", "unit")])


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0003_attachment_file_types"),
        ("locations", "0001_initial"),
    ]

    operations = [migrations.RunPython(derive, migrations.RunPython.noop)]
