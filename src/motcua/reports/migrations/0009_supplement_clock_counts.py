from django.db import migrations


def counts_incomplete_if_waiting(apps, schema_editor):
    """The daily counts no longer call a dossier waiting for a supplement overdue while its clock
    is stopped (``selectors.overdue_at``). Counts kept before this rule still do for the dossiers
    waiting now: where there are any, reports scan until ``motcua stats-rebuild`` (as after
    0006 and 0007), rather than print a figure the rule no longer gives."""
    Dossier = apps.get_model("dossiers", "Dossier")
    if Dossier.objects.filter(paused_at__isnull=False, finished_at__isnull=True).exists():
        apps.get_model("reports", "AggregateState").objects.filter(pk=1).update(complete=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_daily_narrow_counts"),
        ("dossiers", "0016_step_agencies"),
    ]

    operations = [migrations.RunPython(counts_incomplete_if_waiting, migrations.RunPython.noop)]
