"""``motcua demo`` writes the half-year's feedback in the services' shape, so that index 8 and
Decision 766's "feedback handled on time" have data for the demo period."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from motcua.dossiers.services import calendar_for
from motcua.feedback.demo import END, PER_HALF_YEAR, START, demo_feedback
from motcua.feedback.models import Feedback, Status
from motcua.feedback.selectors import feedback_public, index8_score, on_time_by_agency
from motcua.reports.indices import evaluation, index766
from motcua.reports.selectors import Period
from motcua.worktime import core as wt
from tests.dossiers.conftest import World
from tests.reports.test_exports_indices import lifecycle

pytestmark = pytest.mark.django_db

HALF_YEAR = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))


def test_the_demo_writes_feedback_like_the_services(world: World, client: Client) -> None:
    w = world
    lifecycle(w)  # dossiers of the half-year: the Department of Justice, a commune committee
    assert Feedback.objects.count() == 0
    assert on_time_by_agency(START, END) == {}
    out = demo_feedback(0.02, seed=2022)
    n = round(PER_HALF_YEAR * 0.02)
    assert out["created"] == n == Feedback.objects.count()
    assert out["on_time"] + out["late"] + out["unanswered"] == n
    assert out["on_time"] >= 0.75 * n and out["late"] >= 1 and out["published"] >= 1

    rows = list(Feedback.objects.select_related("agency"))
    assert len({f.code for f in rows}) == n
    processing = {w.justice.pk, w.commune_committee.pk}
    for f in rows:
        local = f.received_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
        assert re.fullmatch(rf"PAKN-{local:%y%m%d}-\d{{4}}", f.code), f.code
        assert f.agency_id in processing
        assert f.received_at >= START and f.due_at < END  # counted in the demo half-year
        assert f.time_limit_days == Decimal(10)
        assert f.due_at == wt.due(calendar_for(f.agency), f.received_at, 10.0)
        assert f.sender_name and f.sender_phone and f.dossier_id is None
        if f.status == Status.ANSWERED:
            assert f.answer and f.answered_at and f.answered_at > f.received_at
            assert f.answered_by_id in (None, w.users["leader"].pk, *_staff_ids(w, f.agency_id))
        else:
            assert f.answered_at is None and not f.publish_allowed
    on_time = sum(1 for f in rows if f.on_time)
    assert on_time == out["on_time"]
    assert sum(1 for f in rows if f.on_time is False) == out["late"]

    # the published answers show on the public page, as answers through the service would
    published = list(feedback_public())
    assert len(published) == out["published"]
    assert published[0].code in client.get("/phan-anh/").content.decode()

    # index 8 (evaluation) and Decision 766's criterion now have data for the period
    stats = on_time_by_agency(START, END)
    assert sum(s["due"] for s in stats.values()) == n
    assert sum(s["on_time"] for s in stats.values()) == on_time
    ev = evaluation(HALF_YEAR)
    justice = next(a for a in ev["agencies"] if a["agency_code"] == w.justice.code)
    assert "i8" not in justice["unscored"]
    assert justice["scores"]["i8"] == index8_score(stats.get(w.justice.pk))
    groups = index766(HALF_YEAR)["groups"]
    c = next(c for c in groups["hai_long"]["criteria"] if c["code"] == "feedback_on_time")
    assert (c["numerator"], c["denominator"]) == (on_time, n)
    assert c["score"] is not None

    # idempotent: a second run adds nothing
    assert demo_feedback(0.02, seed=2022)["created"] == 0
    assert Feedback.objects.count() == n


def _staff_ids(w: World, agency_id: int) -> list[int]:
    from motcua.units.models import Membership

    return list(Membership.objects.filter(agency_id=agency_id).values_list("user_id", flat=True))


def test_the_count_follows_the_scale_and_needs_dossiers(world: World) -> None:
    assert demo_feedback(0.02)["created"] == 0  # no dossier in the period: no agency to name
    lifecycle(world)
    assert demo_feedback(0.0)["created"] == 0
    assert (
        demo_feedback(0.005)["created"] == round(PER_HALF_YEAR * 0.005) == Feedback.objects.count()
    )
