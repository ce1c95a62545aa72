"""Demo ratings (``motcua demo``): a share of the dossiers whose result was returned rate it.

The seed report gives no satisfaction figures; the shape here follows what provinces publish on
their portals (most ratings satisfied, a few normal, very few not satisfied) and is data-driven
below. Generated rows are written in bulk (like the demo's history) and are idempotent: a dossier
already rated is left alone. ``dossiers.Rating`` keeps the 1–5 score that the reports read."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from motcua.dossiers import lookup_cache
from motcua.dossiers.models import Dossier, Rating, Status
from motcua.portal.services import SCORES, Satisfaction

RATED_SHARE = 0.30  # of the dossiers whose result was returned
LEVEL_SHARES = (
    (Satisfaction.SATISFIED, 0.93),
    (Satisfaction.NORMAL, 0.05),
    (Satisfaction.NOT_SATISFIED, 0.02),
)
COMMENTS = {
    Satisfaction.SATISFIED: ["", "", "Cán bộ hướng dẫn tận tình", "Trả kết quả đúng hẹn"],
    Satisfaction.NORMAL: ["", "Phải chờ lâu ở quầy"],
    Satisfaction.NOT_SATISFIED: ["Trả kết quả chậm so với giấy hẹn"],
}


def demo_ratings(seed: int = 2022) -> dict[str, int]:
    """Rate a share of the resolved dossiers whose result went back to the applicant (the
    generated history has no return stamp: its resolved dossiers count as returned)."""
    returned = (
        Dossier.objects.filter(status=Status.RESOLVED, rating__isnull=True)
        .filter(Q(returned_at__isnull=False) | Q(imported=True))
        .order_by("pk")
        .values_list("pk", "returned_at", "finished_at")
    )
    levels = [level for level, _ in LEVEL_SHARES]
    weights = [share for _, share in LEVEL_SHARES]
    rows: list[Rating] = []
    for pk, returned_at, finished_at in returned.iterator(chunk_size=2000):
        # per dossier, so that a second run picks the same ones (seeded demo data, not secrets)
        rng = random.Random(seed * 1_000_003 + pk)  # noqa: S311
        if rng.random() >= RATED_SHARE:
            continue
        level = rng.choices(levels, weights)[0]
        done = returned_at or finished_at
        if done is None:  # a resolved dossier always has finished_at; never rated otherwise
            continue
        when = done + dt.timedelta(minutes=rng.randint(1, 30))
        rows.append(
            Rating(
                dossier_id=pk,
                score=SCORES[level],
                comment=rng.choice(COMMENTS[level]),
                at=when,
            )
        )
    Rating.objects.bulk_create(rows, batch_size=2000)
    if rows:
        lookup_cache.changed_all()  # ratings written in bulk: the look-up's "rated" follows
    return {"created": len(rows)}
