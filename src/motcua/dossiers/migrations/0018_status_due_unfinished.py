"""On PostgreSQL, ``dossier_status_due`` (status, due_at) keeps only the dossiers not finished:
every query that reads it asks for one of those statuses (warnings, queues, the online waiting
list, a calendar change's recompute; docs/scale.md), PostgreSQL proves that ``status =
'in_progress'`` or ``status IN (…)`` implies the index's condition, and the finished rows — most
of a mature table, nearly all of a legacy import — only cost writes (its build took 0.85 s of a
1,000,000-row import, BENCHMARKS.md, "Import"). SQLite's planner cannot make that proof (it
would scan the table for the warnings): there the index stays whole, as the model declares it.
Built by one scan on upgrade (a write lock meanwhile)."""

from django.db import migrations

INDEX = "dossier_status_due"
FINISHED = ("resolved", "withdrawn", "returned")  # dossiers.models.FINISHED_STATUSES, as of now


def _create(schema_editor, condition: str) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON dossiers_dossier (status, due_at){condition}"
    )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    finished = ", ".join(f"'{s}'" for s in FINISHED)
    _create(schema_editor, f" WHERE status NOT IN ({finished})")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _create(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0017_step_budget_seconds"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
