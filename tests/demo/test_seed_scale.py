"""Issue 13: the demo's half-year at scale 1.0 prints the seed's report, every figure exactly
(the seed's figures and their sources: ``tests/demo/test_history.py``)."""

from __future__ import annotations

import pytest
from django.db import connection

from motcua.catalog.models import Procedure
from tests.demo.test_history import (
    KEYS,
    SEED_LEVELS,
    SEED_NATIONAL_PORTAL,
    SEED_ONLINE_SERVICES,
    SEED_ONLINE_SHARE,
    SEED_PAYMENT_VND,
    SEED_PAYMENTS,
    SEED_PLAN_170,
    _land_payments,
    _report,
)
from tests.tools import coverage_paused

pytestmark = pytest.mark.django_db


def _assert_seed_figures(rep: dict) -> None:
    levels = rep["levels"]
    for name, seed in SEED_LEVELS.items():
        got = levels[name]
        figures = tuple(got[k] for k in KEYS)
        if seed[-1] is None:  # in progress overdue: not stated by the seed, none generated
            seed = (*seed[:-1], 0)
        assert figures == seed, name
        assert got["withdrawn"] + got["returned"] == seed[0] - seed[3] - seed[6]
    assert levels["province"]["withdrawn"] + levels["province"]["returned"] == 7
    assert levels["district"]["withdrawn"] + levels["district"]["returned"] == 16
    assert levels["commune"]["withdrawn"] + levels["commune"]["returned"] == 0
    assert rep["shares"]["received_online"] == SEED_ONLINE_SHARE
    catalog = rep["catalog"]
    assert (catalog["by_level"]["total"]["online"], catalog["by_level"]["total"]["total"]) == (
        SEED_ONLINE_SERVICES[:2]
    )
    assert catalog["online_share"] == SEED_ONLINE_SERVICES[2]
    assert catalog["by_level"]["total"]["national_portal"] == SEED_NATIONAL_PORTAL
    n, vnd = _land_payments()
    assert SEED_PAYMENTS < n < SEED_PAYMENTS * 1.01
    assert SEED_PAYMENT_VND < vnd < SEED_PAYMENT_VND * 1.01
    total = levels["total"]
    assert (total["online_payments"], total["online_payment_vnd"]) == (n, vnd)
    # the Plan 170 campaign's targets, each with its actual value over the campaign
    targets = {t["metric"]: t for t in rep["targets"]}
    assert {k: t["target"] for k, t in targets.items()} == SEED_PLAN_170
    for t in targets.values():
        assert t["actual"] is not None and 0 < t["actual"] <= 100
        assert t["met"] == (t["actual"] >= t["target"])


@pytest.mark.slow(seconds=150)
def test_seed_scale_history_prints_the_seeds_report(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    """The half-year at scale 1.0 (what ``motcua demo --scale 1.0`` loads: the same generator,
    the legacy import's bulk path and its statistics hook, the payments) then ``motcua
    report``: every figure of the seed's sections 2 and 6, exactly. The rest of the demo (live
    dossiers, ratings, feedback) loads at scale 0: the whole ``--scale 1.0`` run takes minutes
    (BENCHMARKS.md, "The seed-scale demo"). Run once per CI, on the SQLite pass."""
    if connection.vendor != "sqlite":
        pytest.skip(
            "seed-scale history: run once per CI, on the SQLite pass (about three minutes of CPU)"
        )
    from motcua.demo.history import history_load
    from motcua.demo.services import demo_load
    from motcua.payments.demo import payments_demo_load

    settings.VAR_DIR = tmp_path
    # measured by coverage, this one test would take twice its minute; its lines are those of
    # the small-scale test (tests/demo/test_history.py), which is measured
    with coverage_paused():
        demo_load(scale=0)
        assert history_load(1.0)["created"] == 226_593 + 27_734 + 88_991
        payments_demo_load()
        _assert_seed_figures(_report(tmp_path))
        assert Procedure.objects.count() == 1784
