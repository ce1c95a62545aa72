"""Issue 13: the demo's half-year (January–June 2022) prints the seed's report.

The seed's figures below are typed from its sections 2 ("Kết quả giải quyết hồ sơ TTHC tại các
cấp chính quyền ở địa phương") and 6 ("Kết quả cung cấp dịch vụ công trực tuyến mức độ 3 và 4")
(/work/shared/seed/: "6 tháng đầu năm 2022 trên địa bàn tỉnh Bình Phước"). The small-scale test
checks the proportions; the slow one runs ``motcua demo --scale 1.0`` then ``motcua report`` and
finds every figure.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.core.text import fold
from motcua.demo.services import demo_load
from motcua.dossiers.models import Channel, Dossier, Rating, Status
from motcua.payments.models import PaymentChannel, PaymentRequest, PaymentStatus
from motcua.portal.demo import RATED_SHARE, demo_ratings
from motcua.reports.decision766 import _ratios
from motcua.reports.indices import index766
from motcua.reports.selectors import Period

# the module's tests share one small demo, so they run on one xdist worker (--dist loadfile)
pytestmark = [pytest.mark.django_db, pytest.mark.slow(seconds=30)]  # the demo build
SCALE = 0.01
HALF = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))

# ---- the seed, section 2: per level (received, new, carried over, resolved, late, late rate as
# printed, in progress, in progress overdue where stated) --------------------------------------
SEED_LEVELS = {
    # "Cấp tỉnh: tiếp nhận 226,593 hồ sơ (204,655 hồ sơ tiếp nhận mới và 21,938 hồ sơ từ các kỳ
    # trước chuyển sang). Kết quả: 183,636 hồ sơ đã giải quyết (trong đó giải quyết trễ hạn 8,148
    # hồ sơ chiếm 4,44%), 42,950 hồ sơ đang giải quyết (trong đó 01 hồ sơ đã trễ hạn)"
    "province": (226_593, 204_655, 21_938, 183_636, 8_148, 4.44, 42_950, 1),
    # "Cấp huyện: tiếp nhận 27,734 hồ sơ (22,249 … và 5.485 …). Kết quả: 19,811 hồ sơ đã giải
    # quyết (trong đó giải quyết trễ hạn 1,698 hồ sơ chiếm 8,57%), 7,907 hồ sơ đang giải quyết."
    "district": (27_734, 22_249, 5_485, 19_811, 1_698, 8.57, 7_907, None),
    # "Cấp xã: tiếp nhận 88,991 hồ sơ (88,194 … và 797 …). Kết quả: 88,478 hồ sơ đã giải quyết
    # (trong đó giải quyết trễ hạn 919 hồ sơ chiếm 1,04%), 513 hồ sơ đang giải quyết."
    "commune": (88_991, 88_194, 797, 88_478, 919, 1.04, 513, None),
}
# ---- section 6 ------------------------------------------------------------------------------
SEED_ONLINE_SHARE = 87.07  # "tỷ lệ tiếp nhận hồ sơ TTHC trên môi trường điện tử đạt 87,07%"
SEED_ONLINE_SERVICES = (1651, 1784, 92.54)  # "tích hợp 1.651 … trên tổng số 1.784 … (đạt 92,54%)"
#: "1.437 dịch vụ công kết nối Cổng dịch vụ công quốc gia"
SEED_NATIONAL_PORTAL = 1437
SEED_PAYMENTS = 26_600  # "hơn 26.600 giao dịch thành công"
SEED_PAYMENT_VND = 165_000_000_000  # "với tổng số tiền thanh toán hơn 165 tỷ đồng"
# Plan 170/KH-UBND (section 2): 80% of online services generate dossiers, 50% of dossiers
# online, 100% digitized, 100% resolved on time
SEED_PLAN_170 = {
    "online_services_used": 80,
    "online_dossiers": 50,
    "digitized": 100,
    "on_time": 100,
}

KEYS = (
    "received",
    "received_new",
    "carried_over",
    "resolved",
    "resolved_late",
    "late_rate",
    "in_progress",
    "in_progress_overdue",
)


def _report(tmp_path) -> dict:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.json"
    call_command("report", "--from", "2022-01-01", "--to", "2022-06-30", "-o", str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def _land_payments() -> tuple[int, int]:
    paid = PaymentRequest.objects.filter(
        status=PaymentStatus.PAID,
        channel=PaymentChannel.ONLINE,
        dossier__received_at__year=2022,
        dossier__received_at__month__lte=6,
    ).values_list("amount_vnd", "dossier__procedure__field__name")  # 26,600 rows at scale 1.0
    rows = list(paid)
    land = [vnd for vnd, field in rows if fold(field).startswith("dat dai")]
    assert len(land) == len(rows)  # the seed's payments are all land obligations
    return len(land), sum(land)


@pytest.fixture(scope="module")
def small(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """The demo at scale 0.01 and ``motcua report``'s JSON of its half-year, built once for the
    module inside a transaction rolled back at the end (a build takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = demo_load(scale=SCALE)
        yield loaded, _report(tmp_path_factory.mktemp("report"))
        transaction.set_rollback(True)


def test_small_scale_keeps_the_seeds_proportions(small: tuple[dict, dict]) -> None:
    scale = SCALE
    rep = small[1]
    levels = rep["levels"]
    for name, (_, new, carried, resolved, late, rate, progress, overdue) in SEED_LEVELS.items():
        got = levels[name]
        assert got["received_new"] == round(new * scale)
        assert got["carried_over"] == round(carried * scale)
        assert got["resolved"] == round(resolved * scale)
        assert got["resolved_late"] == round(late * scale)
        assert got["in_progress"] == round(progress * scale)
        assert got["in_progress_overdue"] == round((overdue or 0) * scale) == 0
        assert abs(got["late_rate"] - rate) < 0.6  # rounding of ~2,000 resolved
        # the identity the seed leaves open: withdrawn or returned, never lost
        assert got["received"] == (
            got["resolved"] + got["withdrawn"] + got["returned"] + got["in_progress"]
        )
    total = levels["total"]
    assert abs(100 * total["received_online"] / total["received_new"] - SEED_ONLINE_SHARE) < 0.05
    # only procedures offered online were filed online
    online = Dossier.objects.filter(code__startswith="LS22-", channel=Channel.ONLINE)
    assert not online.filter(procedure__online_service="khong").exists()
    # the land payments: a little more than the seed's, scaled
    n, vnd = _land_payments()
    assert SEED_PAYMENTS * scale < n <= math.ceil(SEED_PAYMENTS * scale * 1.01)
    assert SEED_PAYMENT_VND * scale < vnd <= SEED_PAYMENT_VND * scale * 1.01
    assert (total["online_payments"], total["online_payment_vnd"]) == (n, vnd)
    # in progress at the end of June: within time, on procedures long enough
    end = dt.datetime(2022, 7, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    open_ = Dossier.objects.filter(code__startswith="LS22-", finished_at__gte=end)
    assert open_.count() == total["in_progress"]
    assert not open_.filter(due_at__lt=end).exists()


def test_the_half_years_feedback_and_idempotence(small: tuple[dict, dict]) -> None:
    """The half-year's feedback (phản ánh, kiến nghị) gives index 8 and Decision 766 their data;
    loading the demo again creates no history."""
    loaded = small[0]
    assert loaded["feedback"]["created"] == 20
    assert loaded["feedback"]["on_time"] > loaded["feedback"]["late"] > 0
    groups = index766(HALF)["groups"]
    fb = next(c for c in groups["hai_long"]["criteria"] if c["code"] == "feedback_on_time")
    assert fb["denominator"] == 20 and fb["score"] is not None
    assert demo_load(scale=SCALE)["history_2022"]["created"] == 0


def test_demo_ratings_shape_and_idempotence(small: tuple[dict, dict]) -> None:
    """``motcua demo`` rates a share of the returned dossiers, idempotently, and the ratings
    reach the Decision 766 satisfaction criteria of the half-year."""
    n = small[0]["ratings"]["created"]
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
    assert demo_ratings()["created"] == 0  # idempotent
    ratios = _ratios(HALF, None, Procedure.objects.filter(status=ProcedureStatus.PUBLISHED))
    satisfied, rated = ratios["satisfied_ratings"]
    assert rated > 0 and satisfied / rated > 0.85
    assert ratios["satisfaction_dossiers"] is not None


def test_demo_catalog_has_the_seeds_online_and_national_portal_services() -> None:
    from motcua.catalog.models import OnlineService
    from motcua.demo.catalog_gen import demo_catalog

    specs = demo_catalog()
    online = [s for s in specs if s.online_service != OnlineService.NONE]
    connected = [s for s in specs if s.national_portal]
    assert (len(online), len(specs)) == SEED_ONLINE_SERVICES[:2]
    assert len(connected) == SEED_NATIONAL_PORTAL
    assert all(s.online_service != OnlineService.NONE for s in connected)
