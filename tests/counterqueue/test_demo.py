"""The demo hook: desks at the receiving agencies with a counter officer, a served day of
tickets (figures for the statistics), people waiting now; a second run adds nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.counterqueue.demo import demo_counterqueue
from motcua.counterqueue.models import Desk, Ticket, TicketStatus
from motcua.counterqueue.selectors import queue_stats
from tests.dossiers.conftest import World


def test_demo_queue(world: World) -> None:
    made = demo_counterqueue(per_day=12)
    assert made == 2 * (12 + 3)  # the center and the commune desk have a counter officer
    assert Desk.objects.filter(agency=world.center).count() == 4
    assert Desk.objects.filter(agency=world.commune_desk).count() == 2
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    _, total = queue_stats(agency_ids=None, first=yesterday, last=yesterday)
    assert total.tickets == 24 and total.served + total.skipped == 24
    assert total.wait_avg is not None and total.serve_avg is not None
    waiting = Ticket.objects.filter(day=timezone.localdate(), status=TicketStatus.WAITING)
    assert waiting.count() == 6
    assert demo_counterqueue() == 0
