"""The demo's clock: every instant from one anchor day, so a story's steps keep their order
whatever the hour the demo is built at (built between 09:00 and 10:00, a 10:00 and the next
09:00 once fell on the same day in the wrong order)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.demo.dossiers_gen import Clock

pytestmark = pytest.mark.django_db


def local(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.mark.parametrize(
    "now",
    [
        "2026-11-30 09:15",
        "2026-11-30 07:00",
        "2026-11-30 16:59",
        "2026-11-30 17:00",
        "2026-11-28 12:00",
        "2026-11-30 23:30",
    ],
)
def test_steps_keep_their_order_at_any_hour(now: str) -> None:
    clock = Clock(local(now))
    for back in range(0, 45):
        day_then_next = [clock.back(back + 1, 10), clock.back(back, 9), clock.back(back, 14)]
        assert day_then_next == sorted(day_then_next), (now, back)
        assert clock.back(back, 16, 59) <= local(now)  # never in the future


def test_anchor_is_the_last_working_day_that_is_over() -> None:
    assert Clock(local("2026-11-30 09:15")).anchor == dt.date(2026, 11, 27)  # Monday morning
    assert Clock(local("2026-11-30 17:00")).anchor == dt.date(2026, 11, 30)
    assert Clock(local("2026-11-29 12:00")).anchor == dt.date(2026, 11, 27)  # Sunday
    assert Clock(local("2026-11-30 09:15")).back(1, 9) == local("2026-11-26 09:00")
