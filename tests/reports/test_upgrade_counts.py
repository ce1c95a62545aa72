"""Upgrading a database whose daily counts were kept before the narrow daily grains: migration
reports/0008 fills them from the full key's rows, so a database whose counts were complete
stays complete (its reports read the new grains for the edge days of a period)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="migrating backwards on SQLite only (no triggers)"
)


@pytest.mark.django_db(transaction=True)
def test_the_narrow_daily_grains_are_filled_from_the_counts_kept() -> None:
    old = [("reports", "0007_monthly_counts")]
    executor = MigrationExecutor(connection)
    executor.migrate(old)
    daily = executor.loader.project_state(old).apps.get_model("reports", "DailyCount")
    day = dt.date(2022, 3, 1)
    rows = [  # (recv_day, level, channel, receiving, processing, procedure, received, resolved)
        (day, 1, "online", 10, 20, 300, 2, 1),
        (day, 1, "online", 11, 20, 301, 3, 0),  # same agency, another desk and procedure
        (day, 1, "online", 10, 21, 300, 5, 4),  # same procedure, another agency
        (dt.date(2022, 2, 1), 2, "counter", 10, 20, 300, 0, 7),
    ]
    for recv, level, channel, recv_ag, proc_ag, proc, received, resolved in rows:
        daily.objects.create(
            day=day,
            recv_day=recv,
            level=level,
            channel=channel,
            receiving_agency_id=recv_ag,
            processing_agency_id=proc_ag,
            procedure_id=proc,
            received=received,
            resolved=resolved,
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from motcua.reports.models import DailyAgencyCount, DailyProcedureCount

    key = ("recv_day", "level", "channel")
    by_agency = {
        (*(r[k] for k in key), r["processing_agency_id"]): (r["received"], r["resolved"])
        for r in DailyAgencyCount.objects.filter(day=day).values()
    }
    assert by_agency == {
        (day, 1, "online", 20): (5, 1),
        (day, 1, "online", 21): (5, 4),
        (dt.date(2022, 2, 1), 2, "counter", 20): (0, 7),
    }
    by_procedure = {
        (*(r[k] for k in key), r["procedure_id"]): (r["received"], r["resolved"])
        for r in DailyProcedureCount.objects.filter(day=day).values()
    }
    assert by_procedure == {
        (day, 1, "online", 300): (7, 5),
        (day, 1, "online", 301): (3, 0),
        (dt.date(2022, 2, 1), 2, "counter", 300): (0, 7),
    }
