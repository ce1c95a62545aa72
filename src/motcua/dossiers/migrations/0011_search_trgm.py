"""A trigram index on the dossier search column (PostgreSQL only).

``search_text`` already holds the folded form (no diacritics, lower case) of the code, the
applicant's name and ID number (``core.models.SearchableModel``), and ``search_matching`` folds
what is typed the same way, so a search is ``search_text LIKE '%word%'`` per word: no
``unaccent`` is needed in SQL, and a GIN index with ``gin_trgm_ops`` serves these LIKEs
instead of a scan of the whole table. ``pg_trgm`` is a trusted extension (PostgreSQL ≥ 13):
the owner of the database may create it. The index is built CONCURRENTLY (the migration is not
atomic), so a live table keeps taking writes while it is built. SQLite: nothing (its search
stays a scan, fine at a commune's size). docs/scale.md.
"""

from django.db import migrations

INDEX = "dossier_search_trgm"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON dossiers_dossier"
        " USING gin (search_text gin_trgm_ops)"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dossiers", "0010_dossier_origin_agencies_at_receipt"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
