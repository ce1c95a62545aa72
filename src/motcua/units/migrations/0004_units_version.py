"""The units table's version row, kept by the database (``units_version``, one row).

Every statement that inserts, changes or deletes administrative units, through the ORM or not
(a queryset ``update`` or ``bulk_create`` sends no signal; an import or the two-level transition
may write by hand), gives the row a new token in the same transaction. Whatever is built from the
units and kept between requests (the address choices, ``eforms.forms._units``) is keyed by the
token: one row read by its key tells whether it is still good. A token is never given twice, not
even after a rollback (PostgreSQL: a sequence, which a rollback does not take back; SQLite: a
random 64-bit number), so a list built inside a transaction that rolled back is never taken for
a later change's.

SQLite drops a table's triggers when a migration rebuilds it: ``tests/eforms/test_forms.py``
changes the units after every migration has run and checks the token moved.
"""

from django.db import migrations

TABLE = "units_administrativeunit"

POSTGRESQL = [
    "CREATE SEQUENCE units_version_seq",
    "CREATE TABLE units_version (id smallint PRIMARY KEY CHECK (id = 1), token bigint NOT NULL)",
    "INSERT INTO units_version (id, token) VALUES (1, nextval('units_version_seq'))",
    """CREATE FUNCTION units_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO units_version (id, token) VALUES (1, nextval('units_version_seq'))
      ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
      RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER units_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION units_version_bump()""",
]
POSTGRESQL_BACK = [
    f"DROP TRIGGER IF EXISTS units_version_bump ON {TABLE}",
    "DROP FUNCTION IF EXISTS units_version_bump()",
    "DROP TABLE IF EXISTS units_version",
    "DROP SEQUENCE IF EXISTS units_version_seq",
]

SQLITE = [
    "CREATE TABLE units_version (id integer PRIMARY KEY CHECK (id = 1), token integer NOT NULL)",
    "INSERT INTO units_version (id, token) VALUES (1, random())",
    *(
        f"""CREATE TRIGGER units_version_{event.lower()} AFTER {event} ON {TABLE}
        BEGIN INSERT OR REPLACE INTO units_version (id, token) VALUES (1, random()); END"""
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]
SQLITE_BACK = [
    *(f"DROP TRIGGER IF EXISTS units_version_{e}" for e in ("insert", "update", "delete")),
    "DROP TABLE IF EXISTS units_version",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forwards(apps, schema_editor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def backwards(apps, schema_editor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_BACK, "sqlite": SQLITE_BACK})


class Migration(migrations.Migration):
    dependencies = [("units", "0003_agency_kind_commune_center")]

    operations = [migrations.RunPython(forwards, backwards)]
