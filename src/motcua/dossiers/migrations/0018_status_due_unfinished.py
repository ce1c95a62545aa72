"""``dossier_status_due`` (status, due_at) keeps only the dossiers not finished: every query that
reads it asks for one of those statuses (warnings, queues, the online waiting list, a calendar
change's recompute; docs/scale.md), and the finished rows — most of a mature table, nearly all
of a legacy import — only cost writes. At 1,000,000 imported rows its build took 0.9 s of the
import (BENCHMARKS.md, "Import"). Built by one scan on upgrade (a write lock meanwhile)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0017_step_budget_seconds"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="dossier",
            name="dossier_status_due",
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("status__in", ("resolved", "withdrawn", "returned")), _negated=True),
                fields=["status", "due_at"],
                name="dossier_status_due",
            ),
        ),
    ]
