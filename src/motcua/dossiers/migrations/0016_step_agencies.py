"""The agencies with a step in a dossier or consulted on it, kept on the dossier row (PostgreSQL
only): ``step_agencies``, a sorted ``bigint[]`` (NULL when there is none), with a partial GIN
index over the dossiers that have one.

The scope rule (``access.dossiers_visible_to``) sees a dossier from its receiving desk, its lead
agency, any agency with a step in it, or consulted on it. For a name search PostgreSQL must
intersect that scope with the trigram index's hits before reading rows
(``access.visible_to_agencies(by_index=True)``); the steps' part was an array of the agency's
step dossier ids probed one by one on the primary key — 17,345 probes, 60 of the 80 ms of a
search at a desk of the 1M bench. With this column it is one GIN look-up
(``step_agencies && ARRAY[…]``).

The column is kept by triggers, not by the services, so that no writer can forget it: after
each INSERT or DELETE statement on the steps or the consultations (transition tables: one
UPDATE per statement, however many rows), and after each UPDATE of a row that changes its
dossier or agency, the dossiers concerned get their array recomputed from the two tables (and
are written only when it changed). The rule itself stays the EXISTS form; a test compares the
two forms after inserts, updates and deletes. SQLite: nothing (its search reads the rule).
"""

from django.db import migrations

SYNC = """
CREATE OR REPLACE FUNCTION motcua_step_agencies_of(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE dossiers_dossier d SET step_agencies = s.agencies
    FROM (
        SELECT t.id, (
            SELECT array_agg(DISTINCT a ORDER BY a) FROM (
                SELECT agency_id AS a FROM dossiers_dossierstep WHERE dossier_id = t.id
                UNION ALL
                SELECT to_agency_id FROM dossiers_consultation WHERE dossier_id = t.id
            ) u
        ) AS agencies
        FROM (SELECT DISTINCT id FROM unnest(ids) AS u(id) WHERE id IS NOT NULL) t
    ) s
    WHERE d.id = s.id AND d.step_agencies IS DISTINCT FROM s.agencies
$$;

CREATE OR REPLACE FUNCTION motcua_step_agencies_statement() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM motcua_step_agencies_of(ARRAY(SELECT DISTINCT dossier_id FROM changed));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION motcua_step_agencies_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM motcua_step_agencies_of(ARRAY[OLD.dossier_id, NEW.dossier_id]);
    RETURN NULL;
END $$;
"""

TRIGGERS = []
for table, agency in (("dossiers_dossierstep", "agency_id"), ("dossiers_consultation", "to_agency_id")):
    TRIGGERS += [
        f"CREATE TRIGGER motcua_step_agencies_ins AFTER INSERT ON {table}"
        " REFERENCING NEW TABLE AS changed FOR EACH STATEMENT"
        " EXECUTE FUNCTION motcua_step_agencies_statement()",
        f"CREATE TRIGGER motcua_step_agencies_del AFTER DELETE ON {table}"
        " REFERENCING OLD TABLE AS changed FOR EACH STATEMENT"
        " EXECUTE FUNCTION motcua_step_agencies_statement()",
        # a step's status, handler and times change all day: only a change of its dossier or
        # agency (rare) runs the function
        f"CREATE TRIGGER motcua_step_agencies_upd AFTER UPDATE ON {table} FOR EACH ROW"
        f" WHEN (OLD.dossier_id IS DISTINCT FROM NEW.dossier_id"
        f" OR OLD.{agency} IS DISTINCT FROM NEW.{agency})"
        " EXECUTE FUNCTION motcua_step_agencies_row()",
    ]

FILL = """
UPDATE dossiers_dossier d SET step_agencies = a.agencies
FROM (
    SELECT dossier_id, array_agg(DISTINCT agency ORDER BY agency) AS agencies FROM (
        SELECT dossier_id, agency_id AS agency FROM dossiers_dossierstep
        UNION ALL
        SELECT dossier_id, to_agency_id FROM dossiers_consultation
    ) x GROUP BY dossier_id
) a
WHERE a.dossier_id = d.id
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE dossiers_dossier ADD COLUMN step_agencies bigint[]")
    schema_editor.execute(SYNC)
    for sql in TRIGGERS:
        schema_editor.execute(sql)
    schema_editor.execute(FILL)
    schema_editor.execute(
        "CREATE INDEX dossier_step_agencies ON dossiers_dossier USING gin (step_agencies)"
        " WHERE step_agencies IS NOT NULL"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in ("dossiers_dossierstep", "dossiers_consultation"):
        for name in ("ins", "del", "upd"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS motcua_step_agencies_{name} ON {table}")
    for fn in ("statement()", "row()", "of(bigint[])"):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS motcua_step_agencies_{fn}")
    schema_editor.execute("ALTER TABLE dossiers_dossier DROP COLUMN IF EXISTS step_agencies")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0015_search_text_statistics"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
