"""Reports read from a streaming replica, writes go to the primary.

Needs a real hot standby: CI's PostgreSQL pass starts one with ``ops/replica.sh`` and runs this
module with ``DATABASE_REPLICA_URL`` set; elsewhere it is skipped, saying why."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.ops.routers import ReplicaRouter, replica_reads
from motcua.reports.selectors import Period, report
from tests.dossiers.conftest import World, at
from tests.tools import on_ci

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_REPLICA_URL"),
        reason="needs a streaming replica: DATABASE_REPLICA_URL (ops/replica.sh; CI's PostgreSQL "
        "pass runs it)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

PERIOD = Period(at("2022-06-01 00:00").date(), at("2022-06-30 00:00").date())


def sql(alias: str, query: str) -> Any:
    with connections[alias].cursor() as c:
        c.execute(query)
        return c.fetchone()[0]


def wait_for_replica(expected: int) -> None:
    # generous: a standby made while the primary writes much WAL replays it first
    for _ in range(600):
        if Dossier.objects.using("replica").count() == expected:
            return
        time.sleep(0.1)
    pytest.fail(f"the replica did not reach {expected} dossiers")


def receive(w: World, day: str) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at(f"{day} 09:00")
    )


def received(rep: dict[str, Any]) -> int:
    return int(rep["levels"]["total"]["received"])


def test_reports_read_the_replica_and_writes_go_to_the_primary(world: World) -> None:
    assert connections["replica"].vendor == "postgresql"
    assert sql("replica", "select pg_is_in_recovery()") is True
    assert sql("default", "select pg_is_in_recovery()") is False
    receive(world, "2022-06-01")
    receive(world, "2022-06-02")
    wait_for_replica(2)

    sql("replica", "select pg_wal_replay_pause()")
    try:
        # a write while reads are routed to the replica still lands on the primary (the standby
        # is read-only: it would refuse the INSERT)
        with replica_reads():
            third = receive(world, "2022-06-03")
        assert third._state.db == "default"
        assert Dossier.objects.count() == 3
        assert Dossier.objects.using("replica").count() == 2  # replay paused: not there yet

        # the report, through the selector and through the page, is the replica's
        with replica_reads(), CaptureQueriesContext(connections["replica"]) as on_replica:
            assert received(report(PERIOD)) == 2
        assert len(on_replica) > 0
        assert received(report(PERIOD)) == 3  # outside: the primary

        leader = world.users["leader"]
        client = Client()
        client.force_login(leader)
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            page = client.get("/can-bo/bao-cao/?from=2022-06-01&to=2022-06-30")
        assert page.status_code == 200
        assert any("dossiers_dossier" in q["sql"] for q in on_replica.captured_queries)
        # the session and the account were read from the primary (a login works at once)
        assert not any("django_session" in q["sql"] for q in on_replica.captured_queries)
    finally:
        sql("replica", "select pg_wal_replay_resume()")
    wait_for_replica(3)
    with replica_reads():
        assert received(report(PERIOD)) == 3


def test_inside_a_transaction_reads_stay_on_the_primary(world: World) -> None:
    from django.db import transaction

    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Dossier) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Dossier) is None
    assert router.db_for_read(Dossier) is None
    from django.contrib.auth.models import User

    with replica_reads():
        assert router.db_for_read(User) is None


def test_on_ci_the_replica_is_a_real_standby() -> None:
    if on_ci():
        assert sql("replica", "select count(*) from pg_stat_wal_receiver") == 1
