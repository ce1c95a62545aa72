"""Waiting (taken → first called) and serving (called → finished) times per desk and field."""

from __future__ import annotations

import datetime as dt

from motcua.counterqueue import services as svc
from motcua.counterqueue.selectors import queue_stats
from tests.counterqueue.conftest import Q, local

DAY = dt.date(2026, 3, 3)


def at(hhmm: str) -> dt.datetime:
    return local(DAY, hhmm)


def test_figures(q: Q) -> None:
    w, officer = q.w, q.w.users["counter"]
    a = svc.ticket_take(agency=w.center, field=q.notary, now=at("08:00"))
    b = svc.ticket_take(agency=w.center, field=q.notary, now=at("08:04"))
    c = svc.ticket_take(agency=w.center, field=q.civil, now=at("08:05"))
    svc.ticket_take(agency=w.center, field=q.civil, now=at("08:06"))  # never called
    svc.call_next(actor=officer, desk=q.d2, now=at("08:10"))  # a waited 10
    svc.ticket_finish(actor=officer, desk=q.d2, ticket=a, now=at("08:22"))  # served 12
    svc.call_next(actor=officer, desk=q.d2, now=at("08:24"))  # b waited 20
    svc.ticket_finish(actor=officer, desk=q.d2, ticket=b, now=at("08:30"))  # served 6
    svc.call_next(actor=officer, desk=q.d3, now=at("08:11"))  # c waited 6
    svc.ticket_skip(actor=officer, desk=q.d3, ticket=c, now=at("08:13"))
    rows, total = queue_stats(agency_ids=[w.center.pk], first=DAY, last=DAY)
    by = {(r.desk, r.field): r for r in rows}
    notary = by[("Quầy 2", "Công chứng")]
    assert (notary.tickets, notary.served, notary.skipped) == (2, 2, 0)
    assert (notary.wait_avg, notary.wait_max) == (15.0, 20.0)
    assert (notary.serve_avg, notary.serve_max) == (9.0, 12.0)
    civil = by[("Quầy 3", "Hộ tịch")]
    assert (civil.tickets, civil.skipped, civil.wait_avg, civil.serve_avg) == (1, 1, 6.0, None)
    assert by[("Chưa gọi", "Hộ tịch")].tickets == 1
    assert (total.tickets, total.served, total.wait_avg) == (4, 2, 12.0)
    # another agency's figures are not counted; another day neither
    assert queue_stats(agency_ids=[w.commune_desk.pk], first=DAY, last=DAY)[1].tickets == 0
    later = DAY + dt.timedelta(days=1)
    assert queue_stats(agency_ids=None, first=later, last=later)[1].tickets == 0
