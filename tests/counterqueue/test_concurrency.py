"""Kiosks and desks at once, on PostgreSQL (row locks are real there)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from motcua.counterqueue import services as svc
from motcua.counterqueue.models import Ticket, TicketEvent, TicketStatus
from tests.counterqueue.conftest import Q, local
from tests.dossiers.test_concurrency import run_parallel

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers; the parallel tests run on PostgreSQL (CI's second run)",
)

DAY = dt.date(2026, 3, 4)


@pytest.mark.django_db(transaction=True)
def test_parallel_kiosks_never_share_a_number(q: Q) -> None:
    def take(i: int) -> list[int]:
        return [
            svc.ticket_take(agency=q.w.center, field=q.notary, now=local(DAY, "08:00")).number
            for _ in range(5)
        ]

    results = run_parallel(8, take)
    assert [r for r in results if isinstance(r, Exception)] == []
    numbers = sorted(n for r in results for n in r)
    assert numbers == list(range(1, 41))
    assert Ticket.objects.filter(day=DAY).count() == 40


@pytest.mark.django_db(transaction=True)
def test_parallel_calls_never_share_a_ticket(q: Q) -> None:
    for k in range(3):
        svc.ticket_take(agency=q.w.center, field=q.notary, now=local(DAY, f"08:0{k}"))
    officer = q.w.users["counter"]
    desks = [q.d1, q.d2, q.d1, q.d2, q.d1, q.d2]  # two desks, each clicked three times at once

    def call(i: int) -> int | None:
        t = svc.call_next(actor=officer, desk=desks[i], now=local(DAY, "08:10"))
        return None if t is None else t.pk

    results = run_parallel(len(desks), call)
    assert [r for r in results if isinstance(r, Exception)] == []
    by_desk = {d.pk: {results[i] for i in range(len(desks)) if desks[i] == d} for d in (q.d1, q.d2)}
    assert all(len(v) == 1 for v in by_desk.values())  # each desk got one ticket, every click
    assert by_desk[q.d1.pk] != by_desk[q.d2.pk]
    assert TicketEvent.objects.filter(kind="call").count() == 2
    assert Ticket.objects.filter(status=TicketStatus.CALLED).count() == 2
    assert Ticket.objects.filter(status=TicketStatus.WAITING).count() == 1
