"""The national portal link, outbound: every status change the portal must know becomes a
``portal.sync`` row in the change's transaction, and the worker delivers the rows to a real HTTP
server (the fake portal) in order per dossier, retried with back-off, idempotently."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core.errors import IllegalTransition
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, Outbox
from motcua.integrations.models import PortalDelivery
from motcua.integrations.portal import TOPIC, backoff, portal_sync
from tests.dossiers.conftest import World, at
from tests.integrations.fake_portal import FakePortal

T0 = at("2022-06-10 09:00")


@pytest.fixture
def portal(settings: Any) -> Iterator[FakePortal]:
    fake = FakePortal()
    fake.up()
    settings.MOTCUA_PORTAL_URL = fake.url
    settings.MOTCUA_PORTAL_TOKEN = fake.token
    settings.MOTCUA_PORTAL_TIMEOUT = 0.3
    settings.MOTCUA_PORTAL_BACKOFF = 10
    try:
        yield fake
    finally:
        fake.down()


def received(w: World, when: str) -> Dossier:
    return svc.dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at(when)
    )


def full_life(w: World, day: str) -> Dossier:
    """received → supplement (paused) → supplement received → apology → resolved → returned."""
    d = received(w, f"{day} 08:00")
    svc.supplement_request(
        actor=w.users["specialist"],
        dossier=d,
        items=[{"name": "Hợp đồng", "originals": 0, "copies": 1}],
        reason="Thiếu",
        now=at(f"{day} 09:00"),
    )
    svc.supplement_receive(actor=w.users["counter"], dossier=d, now=at(f"{day} 10:00"))
    d.refresh_from_db()
    svc.apology_issue(
        actor=w.users["leader"],
        dossier=d,
        reason="Cần xác minh",
        new_appointment=d.appointment_at + dt.timedelta(days=5),  # type: ignore[operator]
        now=at(f"{day} 11:00"),
    )
    svc.step_complete(actor=w.users["specialist"], dossier=d, now=at(f"{day} 13:00"))
    svc.step_complete(actor=w.users["leader"], dossier=d, now=at(f"{day} 14:00"))
    svc.result_return(actor=w.users["counter"], dossier=d, now=at(f"{day} 15:00"))
    return d


def sync_events(d: Dossier) -> list[str]:
    return [
        r.payload["event"] for r in Outbox.objects.filter(topic=TOPIC, dossier=d).order_by("id")
    ]


def test_every_change_the_portal_must_know_is_in_the_outbox(world: World) -> None:
    w = world
    d = full_life(w, "2022-06-06")
    assert sync_events(d) == [
        "received",
        "supplement_requested",
        "supplement_received",
        "apology_issued",
        "resolved",
        "result_returned",
    ]
    rows = list(Outbox.objects.filter(topic=TOPIC, dossier=d).order_by("id"))
    paused = rows[1].payload
    assert paused["status"] == "awaiting_supplement" and paused["paused"] is True
    assert rows[2].payload["paused"] is False
    # each row says what the dossier was at that moment, not later
    assert rows[0].payload["status"] == "in_progress" and rows[-2].payload["status"] == "resolved"
    assert rows[-1].payload["returned_at"] is not None and rows[0].payload["returned_at"] is None
    assert rows[0].payload["code"] == d.code and rows[0].payload["procedure"] == w.simple.code

    t = received(w, "2022-06-07 08:00")
    svc.dossier_transfer(
        actor=w.users["specialist"],
        dossier=t,
        to_agency=w.health,
        reason="Sở Y tế",
        now=at("2022-06-07 09:00"),
    )
    svc.dossier_withdraw(
        actor=w.users["counter"], dossier=t, reason="Rút", now=at("2022-06-07 10:00")
    )
    assert sync_events(t) == ["received", "transferred", "withdrawn"]
    assert Outbox.objects.filter(topic=TOPIC, dossier=t).order_by("id")[1].payload["data"] == {
        "to_agency": w.health.code
    }

    r = received(w, "2022-06-08 08:00")
    svc.dossier_return_unresolved(
        actor=w.users["leader"], dossier=r, reasons="Không đủ", now=at("2022-06-08 09:00")
    )
    assert sync_events(r) == ["received", "returned_unresolved"]

    online = svc.dossier_submit_online(
        applicant=w.intake().applicant,
        procedure=w.simple,
        desk=w.center,
        now=at("2022-06-08 10:00"),
    )
    svc.dossier_refuse(
        actor=w.users["counter"], dossier=online, reasons="Sai thủ tục", now=at("2022-06-08 11:00")
    )
    assert sync_events(online) == ["submitted", "refused"]

    # internal moves the portal does not need (assignment, step done mid-way) write nothing
    a = received(w, "2022-06-09 08:00")
    step = a.steps.get(status="active")
    svc.step_assign(
        actor=w.users["leader"],
        dossier=a,
        step=step,
        handler=w.users["specialist2"],
        now=at("2022-06-09 09:00"),
    )
    assert sync_events(a) == ["received"]


def test_a_refused_change_writes_no_sync_row(world: World) -> None:
    d = received(world, "2022-06-06 08:00")
    before = Outbox.objects.filter(topic=TOPIC).count()
    with pytest.raises(IllegalTransition):
        svc.dossier_withdraw(
            actor=world.users["counter"], dossier=d, reason="x", expected_version=d.version + 5
        )
    assert Outbox.objects.filter(topic=TOPIC).count() == before


def test_back_off_doubles_and_is_capped() -> None:
    assert [backoff(n, 10).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert backoff(40, 10) == dt.timedelta(hours=6)


def test_delivery_carries_token_event_id_and_idempotency_key(
    world: World, portal: FakePortal
) -> None:
    d = received(world, "2022-06-06 08:00")
    assert portal_sync(now=T0) == {"sent": 1, "failed": 0, "waiting": 0}
    req = portal.requests[0]
    row = Outbox.objects.get(topic=TOPIC, dossier=d)
    delivery = PortalDelivery.objects.get(outbox=row)
    assert req["authorization"] == f"Bearer {portal.token}"
    assert req["idempotency_key"] == req["body"]["event_id"] == str(delivery.event_id)
    assert req["content_type"].startswith("application/json")
    assert req["body"]["sequence"] == row.pk and req["body"]["code"] == d.code
    assert req["body"]["event"] == "received" and req["body"]["national_id"] is None
    row.refresh_from_db()
    assert row.delivered_at == T0 and delivery.delivered_at == T0 and delivery.attempts == 1
    # nothing is sent twice
    assert portal_sync(now=T0 + dt.timedelta(hours=1)) == {"sent": 0, "failed": 0, "waiting": 0}
    assert len(portal.requests) == 1


def test_a_failing_head_holds_back_its_dossier_only(world: World, portal: FakePortal) -> None:
    a = full_life(world, "2022-06-06")
    b = received(world, "2022-06-07 08:00")
    first_a = Outbox.objects.filter(topic=TOPIC, dossier=a).order_by("id").first()
    assert first_a is not None
    # the portal rejects a's first message (its answer: 500) and accepts b's
    portal.mode = "error"
    counts = portal_sync(now=T0)
    assert counts["failed"] == 2 and counts["sent"] == 0
    delivery = PortalDelivery.objects.get(outbox=first_a)
    assert delivery.attempts == 1 and delivery.next_attempt_at == T0 + dt.timedelta(seconds=10)
    assert "500" in delivery.last_error and delivery.last_status == 500
    # only the heads were tried: a's five later rows were not touched
    assert PortalDelivery.objects.filter(dossier=a).count() == 1
    portal.mode = "ok"
    # before the retry time nothing is sent, after it everything, in order
    assert portal_sync(now=T0 + dt.timedelta(seconds=5)) == {"sent": 0, "failed": 0, "waiting": 2}
    assert portal_sync(now=T0 + dt.timedelta(seconds=10))["sent"] == 7
    assert portal.by_dossier() == {
        a.pk: list(
            Outbox.objects.filter(topic=TOPIC, dossier=a)
            .order_by("id")
            .values_list("id", flat=True)
        ),
        b.pk: list(Outbox.objects.filter(topic=TOPIC, dossier=b).values_list("id", flat=True)),
    }


def test_after_an_outage_nothing_is_lost_duplicated_or_reordered(
    world: World, portal: FakePortal
) -> None:
    w = world
    dossiers = [full_life(w, day) for day in ("2022-06-06", "2022-06-07", "2022-06-08")]
    online = svc.dossier_submit_online(
        applicant=w.intake().applicant,
        procedure=w.simple,
        desk=w.center,
        now=at("2022-06-09 08:00"),
    )
    svc.dossier_accept_online(actor=w.users["counter"], dossier=online, now=at("2022-06-09 09:00"))
    dossiers.append(online)
    expected = {
        d.pk: list(
            Outbox.objects.filter(topic=TOPIC, dossier=d)
            .order_by("id")
            .values_list("id", flat=True)
        )
        for d in dossiers
    }
    total = sum(len(v) for v in expected.values())
    assert total == 6 * 3 + 2

    now = T0
    # 1. the portal is down (connection refused): every head fails, nothing else is tried
    portal.down()
    assert portal_sync(now=now) == {"sent": 0, "failed": 4, "waiting": 0}
    assert PortalDelivery.objects.count() == 4
    # a second worker run before the retry time sends nothing
    assert portal_sync(now=now + dt.timedelta(seconds=1))["failed"] == 0
    # 2. still down at the first retry, back-off doubles
    now += dt.timedelta(seconds=10)
    assert portal_sync(now=now)["failed"] == 4
    assert {d.attempts for d in PortalDelivery.objects.all()} == {2}
    assert {d.next_attempt_at for d in PortalDelivery.objects.all()} == {
        now + dt.timedelta(seconds=20)
    }
    # 3. up again but the answers get lost (kept by the portal, 500 to us), then it is slow
    portal.up()
    portal.mode = "lost"
    now += dt.timedelta(seconds=20)
    assert portal_sync(now=now)["failed"] == 4
    portal.mode = "slow"
    now += dt.timedelta(seconds=40)
    assert portal_sync(now=now)["failed"] == 4  # timeouts: kept by the portal, unknown to us
    # 4. healthy: everything goes, each dossier in order, in one run
    portal.mode = "ok"
    now += dt.timedelta(seconds=80)
    counts = portal_sync(now=now)
    assert counts == {"sent": total, "failed": 0, "waiting": 0}

    # nothing lost: every row delivered and kept once by the portal
    assert not Outbox.objects.filter(topic=TOPIC, delivered_at__isnull=True).exists()
    kept_ids = [m["event_id"] for m in portal.accepted]
    assert len(kept_ids) == len(set(kept_ids)) == total
    assert set(kept_ids) == {
        str(x) for x in PortalDelivery.objects.values_list("event_id", flat=True)
    }
    # nothing duplicated: the heads arrived 3 times (lost, slow, ok) with ONE event id each
    heads = [v[0] for v in expected.values()]
    for head in heads:
        copies = [r for r in portal.requests if r["body"]["sequence"] == head]
        assert len(copies) == 3 and len({c["body"]["event_id"] for c in copies}) == 1
    # order per dossier kept
    assert portal.by_dossier() == expected
    # the national portal's id appears for nothing filed elsewhere
    assert all(m["national_id"] is None for m in portal.accepted)


def test_the_command_runs_the_worker_and_refuses_without_configuration(
    world: World, portal: FakePortal, settings: Any
) -> None:
    received(world, "2022-06-06 08:00")
    out = io.StringIO()
    call_command("sync_portal", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 1, "failed": 0, "waiting": 0}
    assert len(portal.accepted) == 1
    settings.MOTCUA_PORTAL_URL = ""
    with pytest.raises(CommandError, match="MOTCUA_PORTAL_URL"):
        call_command("sync_portal", stdout=io.StringIO())
    with pytest.raises(CommandError, match="limit"):
        call_command("sync_portal", "--limit", "0", stdout=io.StringIO())


def test_limit_bounds_the_requests_of_one_run(world: World, portal: FakePortal) -> None:
    full_life(world, "2022-06-06")
    assert portal_sync(limit=2, now=T0)["sent"] == 2
    assert portal_sync(limit=100, now=T0)["sent"] == 4
    assert [m["event"] for m in portal.accepted][:2] == ["received", "supplement_requested"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once_in_order(
    world: World, portal: FakePortal, settings: Any
) -> None:
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks between workers need PostgreSQL (SKIP LOCKED)")
    settings.MOTCUA_PORTAL_TIMEOUT = 5
    dossiers = [full_life(world, day) for day in ("2022-06-06", "2022-06-07", "2022-06-08")]
    portal.mode = "slow"
    portal.slow_seconds = 0.05
    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import connection as conn

        try:
            portal_sync(now=T0)
        except BaseException as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    total = Outbox.objects.filter(topic=TOPIC).count()
    assert total == 18
    assert len(portal.requests) == total  # no message sent twice
    assert not Outbox.objects.filter(topic=TOPIC, delivered_at__isnull=True).exists()
    assert portal.by_dossier() == {
        d.pk: list(
            Outbox.objects.filter(topic=TOPIC, dossier=d)
            .order_by("id")
            .values_list("id", flat=True)
        )
        for d in dossiers
    }


def test_the_scheduler_entry_point_is_quiet_while_not_configured(
    world: World, settings: Any
) -> None:
    from motcua.integrations.portal import portal_sync_if_configured

    settings.MOTCUA_PORTAL_URL = ""
    received(world, "2022-06-06 08:00")
    assert portal_sync_if_configured() is None
    assert Outbox.objects.filter(topic=TOPIC, delivered_at__isnull=True).count() == 1
