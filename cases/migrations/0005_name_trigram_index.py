"""On PostgreSQL, a trigram index so that accent-insensitive name search (``name_folded LIKE '%x%'``)
uses an index on millions of children. SQLite has no such index and scans, which is fine at its scale."""

from django.db import migrations

INDEX = "cases_child_name_folded_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_child USING gin (name_folded gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_seed_categories_and_risks")]

    operations = [migrations.RunPython(create, drop)]
