"""``motcua demo`` rates a share of the returned dossiers, fast and idempotently, and the
ratings reach the Decision 766 satisfaction criteria of the demo's half-year."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.demo.services import demo_load
from motcua.dossiers.models import Dossier, Rating, Status
from motcua.portal.demo import RATED_SHARE, demo_ratings
from motcua.reports.decision766 import _ratios
from motcua.reports.selectors import Period

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_ratings_shape_speed_and_idempotence() -> None:
    result = demo_load(scale=0.01)
    n = result["ratings"]["created"]
    returned = Dossier.objects.filter(status=Status.RESOLVED).exclude(
        returned_at__isnull=True, imported=False
    )
    assert n == Rating.objects.count()
    assert abs(n / returned.count() - RATED_SHARE) < 0.05
    scores = list(Rating.objects.values_list("score", flat=True))
    assert set(scores) <= {1, 3, 5}
    assert scores.count(5) / n > 0.85
    assert 0 < scores.count(1) / n < 0.06
    # every rating after its dossier's result; none on an open dossier
    assert not Rating.objects.exclude(dossier__status=Status.RESOLVED).exists()
    for r in Rating.objects.select_related("dossier")[:200]:
        assert r.at >= (r.dossier.returned_at or r.dossier.finished_at)
    started = time.monotonic()
    assert demo_ratings()["created"] == 0  # idempotent
    assert time.monotonic() - started < 5
    period = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    ratios = _ratios(period, None, Procedure.objects.filter(status=ProcedureStatus.PUBLISHED))
    satisfied, rated = ratios["satisfied_ratings"]
    assert rated > 0 and satisfied / rated > 0.85
    assert ratios["satisfaction_dossiers"] is not None
