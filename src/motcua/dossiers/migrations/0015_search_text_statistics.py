"""Finer planner statistics for the dossier search column (PostgreSQL only).

A name search is one ``search_text LIKE '%word%'`` per word; PostgreSQL estimates each from the
column's most common values and histogram, then walks the primary key backwards (newest first)
when it expects the matches to be many. With the default 100 entries a rare pair such as
"vu nam" was estimated at thousands of rows in a desk's scope (19 there): the walk read the
whole table at 1,000,000 dossiers (339 ms). With 1,000 entries (``ANALYZE`` samples 300,000
rows) the same query uses the trigram index (21 ms). BENCHMARKS.md, "Screens at 1,000,000".
SQLite: nothing.
"""

from django.db import migrations

TARGET = 1000


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE dossiers_dossier ALTER COLUMN search_text SET STATISTICS {TARGET}"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE dossiers_dossier ALTER COLUMN search_text SET STATISTICS -1"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0014_partial_key_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
