"""Demo data of the counter queue: desks at the receiving agencies the demo staff work at, and
yesterday's tickets (taken, called, served, a few skipped) for the waiting-time statistics, plus a
few people waiting today. Goes through the services; idempotent (nothing when desks exist)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from motcua.counterqueue import services as svc
from motcua.counterqueue.models import Desk
from motcua.counterqueue.selectors import agency_fields
from motcua.units.models import Agency, Membership, Role


def demo_counterqueue(seed: int = 2022, *, per_day: int = 12) -> int:
    """Returns the number of tickets made."""
    if Desk.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not secrets
    desks_of = {"trung_tam": 4, "mot_cua": 2}
    counters = (
        Membership.objects.filter(role=Role.COUNTER, active=True, agency__receives_dossiers=True)
        .select_related("user", "agency")
        .order_by("agency__level", "agency__code")
    )
    officers: dict[int, object] = {}
    for m in counters:
        officers.setdefault(m.agency_id, m.user)
    made = 0
    for agency in Agency.objects.filter(pk__in=list(officers)).order_by("level", "code"):
        n = desks_of.get(agency.kind, 1)
        desks = [
            Desk.objects.create(agency=agency, number=i + 1, name="" if i else "Quầy chung")
            for i in range(n)
        ]
        fields = agency_fields(agency)
        if len(desks) > 1 and fields:  # the other desks share the fields; desk 1 serves all
            for i, f in enumerate(fields):
                desks[1 + i % (len(desks) - 1)].fields.add(f)
        made += _day(agency, desks, officers[agency.pk], fields, rng, per_day)
    return made


def _day(agency, desks, officer, fields, rng, per_day):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(7, 30)))
    made = 0
    at = start
    tickets = []
    for _ in range(per_day):
        at += dt.timedelta(minutes=rng.randint(2, 12))
        f = rng.choice(fields) if fields else None
        tickets.append(svc.ticket_take(agency=agency, field=f, now=at))
        made += 1
    # the desks call in turn from 07:35, each taking 5–20 minutes per person
    clock = {d.pk: start + dt.timedelta(minutes=5) for d in desks}
    while True:
        d = min(desks, key=lambda x: clock[x.pk])
        t = svc.call_next(actor=officer, desk=d, now=clock[d.pk])
        if t is None:  # nobody waits for this desk's fields yet: it waits for the next one
            later = svc.desk_waiting(d, yesterday).order_by("taken_at").first()
            if later is None:  # nobody left for it: closed for the day
                desks = [x for x in desks if x.pk != d.pk]
                if not desks:
                    break
            else:
                clock[d.pk] = later.taken_at
            continue
        called = t.called_at
        if rng.random() < 0.08:
            svc.ticket_skip(actor=officer, desk=d, ticket=t, now=called + dt.timedelta(minutes=2))
            clock[d.pk] = called + dt.timedelta(minutes=2)
            continue
        end = called + dt.timedelta(minutes=rng.randint(5, 20))
        svc.ticket_finish(actor=officer, desk=d, ticket=t, now=end)
        clock[d.pk] = end
    now = timezone.now()
    for i in range(3):  # people waiting now
        f = rng.choice(fields) if fields else None
        svc.ticket_take(agency=agency, field=f, now=now - dt.timedelta(seconds=3 - i))
        made += 1
    return made
