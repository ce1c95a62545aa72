"""Demo feedback (``motcua demo``): the half-year's phản ánh, kiến nghị, so that index 8 of the
evaluation and Decision 766's "feedback handled on time" have data for the demo period.

The seed report gives no feedback figures; the shape below is an assumption, data-driven here:
``PER_HALF_YEAR`` items at scale 1.0 (so a few dozen at the default scale 0.02), spread over
the agencies in proportion to the dossiers they processed; most answered on time, a few late, a
few never answered (late once due), some published. Rows are written in bulk like the demo's
history, but exactly as ``services.feedback_submit`` / ``feedback_answer`` would leave them:
the code ``PAKN-<YYMMDD>-<NNNN>`` from the same per-day counter, the time limit of the setting,
the due instant from the agency's calendar, an answer by an officer of the agency where the demo
has one. Idempotent: when the period already has feedback, nothing is added."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter as Tally
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import calendar_for
from motcua.dossiers.services._tx import counter_next
from motcua.feedback.models import Feedback, Kind, Status
from motcua.feedback.services import time_limit_days
from motcua.units.models import Agency, Membership
from motcua.worktime import core as wt

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2022, 1, 1, tzinfo=VN)
END = dt.datetime(2022, 7, 1, tzinfo=VN)
PER_HALF_YEAR = 2_000  # at scale 1.0 (340,000 dossiers): about 0.6 % of them
ON_TIME, LATE = 0.88, 0.08  # the rest is never answered (late once its deadline passed)
PUBLISHED = 0.40  # of the answered: the sender allowed the answer to be published

TOPICS = [
    (
        Kind.COMPLAINT,
        "Trả kết quả chậm so với giấy hẹn",
        "Hồ sơ của tôi đã quá ngày hẹn trả kết quả nhưng chưa nhận được thông báo.",
    ),
    (
        Kind.COMPLAINT,
        "Cán bộ yêu cầu bổ sung giấy tờ nhiều lần",
        "Tôi đã phải bổ sung hồ sơ hai lần, mỗi lần một giấy tờ khác nhau.",
    ),
    (
        Kind.COMPLAINT,
        "Thời gian chờ tại quầy lâu",
        "Buổi sáng phải chờ hơn một giờ mới đến lượt nộp hồ sơ.",
    ),
    (
        Kind.PETITION,
        "Đề nghị hướng dẫn nộp hồ sơ trực tuyến",
        "Đề nghị cơ quan có tài liệu hướng dẫn nộp hồ sơ và thanh toán trực tuyến.",
    ),
    (
        Kind.PETITION,
        "Đề nghị bổ sung khung giờ tiếp nhận",
        "Đề nghị tiếp nhận hồ sơ vào sáng thứ Bảy cho người đi làm.",
    ),
    (
        Kind.PETITION,
        "Đề nghị công khai phí, lệ phí tại quầy",
        "Đề nghị niêm yết rõ mức phí, lệ phí của từng thủ tục tại Bộ phận Một cửa.",
    ),
]
ANSWER = (
    "Cơ quan đã tiếp nhận, kiểm tra và trả lời: nội dung phản ánh, kiến nghị đã được xem xét, "
    "bộ phận liên quan đã được nhắc nhở và khắc phục. Cảm ơn ông/bà đã phản ánh."
)
NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Văn Tâm", "Phạm Thị Hoa", "Hoàng Văn Nam"]


def _agency_weights() -> list[tuple[Agency, int]]:
    """The agencies that processed dossiers received in the period, with their counts."""
    rows = (
        Dossier.objects.filter(received_at__gte=START, received_at__lt=END)
        .exclude(processing_agency=None)
        .values("processing_agency")
        .annotate(n=Count("id"))
        .order_by("processing_agency")
    )
    counts = {r["processing_agency"]: r["n"] for r in rows}
    agencies = Agency.objects.in_bulk(list(counts))
    return [(agencies[pk], counts[pk]) for pk in sorted(counts)]


def _officers(agency_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for agency_id, user_id in (
        Membership.objects.filter(agency_id__in=agency_ids)
        .order_by("agency_id", "user_id")
        .values_list("agency_id", "user_id")
    ):
        out.setdefault(agency_id, []).append(user_id)
    return out


def demo_feedback(scale: float, seed: int = 2022) -> dict[str, int]:
    """Write the half-year's feedback in bulk; returns the counts written."""
    if Feedback.objects.filter(received_at__gte=START, received_at__lt=END).exists():
        return {"created": 0, "on_time": 0, "late": 0, "unanswered": 0, "published": 0}
    weights = _agency_weights()
    n = round(PER_HALF_YEAR * scale)
    if not weights or n <= 0:
        return {"created": 0, "on_time": 0, "late": 0, "unanswered": 0, "published": 0}
    rng = random.Random(seed * 7919 + 8)  # noqa: S311 - seeded demo data, not secrets
    officers = _officers([a.pk for a, _ in weights])
    days = time_limit_days()
    # the deadline must fall in the period: received no later than about three weeks before END
    span = (END - dt.timedelta(days=25) - START).total_seconds()
    picks = rng.choices([a for a, _ in weights], [w for _, w in weights], k=n)
    outcomes = rng.choices(
        ["on_time", "late", "unanswered"], [ON_TIME, LATE, 1 - ON_TIME - LATE], k=n
    )
    tally: Tally[str] = Tally()
    planned = []
    for agency, outcome in zip(picks, outcomes, strict=True):
        cal = calendar_for(agency)
        moment = START + dt.timedelta(seconds=rng.uniform(0, span))
        received = wt.next_working_instant(cal, moment)
        due = wt.due(cal, received, float(days))
        planned.append((received, due, agency, outcome))
    planned.sort(key=lambda p: p[0])
    rows = []
    with transaction.atomic():
        for received, due, agency, outcome in planned:
            kind, subject, content = rng.choice(TOPICS)
            day = received.astimezone(VN).strftime("%y%m%d")
            number = counter_next("feedback", day)
            who = officers.get(agency.pk, [])
            officer = rng.choice(who) if who else None
            answered_at = None
            if outcome == "on_time":
                answered_at = received + (due - received) * rng.uniform(0.2, 0.95)
            elif outcome == "late":
                answered_at = due + dt.timedelta(days=rng.uniform(1, 10))
            publish = answered_at is not None and rng.random() < PUBLISHED
            name = rng.choice(NAMES)
            rows.append(
                Feedback(
                    code=f"PAKN-{day}-{number:04d}",
                    kind=kind,
                    subject=subject,
                    content=content,
                    agency=agency,
                    sender_name=name,
                    sender_phone=f"09{rng.randrange(10**8):08d}",
                    publish_allowed=publish,
                    status=(
                        Status.ANSWERED
                        if answered_at
                        else Status.ASSIGNED
                        if officer
                        else Status.RECEIVED
                    ),
                    received_at=received,
                    time_limit_days=days,
                    due_at=due,
                    assignee_id=officer,
                    assigned_at=received + dt.timedelta(hours=2) if officer else None,
                    answer=ANSWER if answered_at else "",
                    answered_at=answered_at,
                    answered_by_id=officer if answered_at else None,
                    version=2 if answered_at else 1,
                )
            )
            tally[outcome] += 1
            tally["published"] += publish
        Feedback.objects.bulk_create(rows, batch_size=1000)
    return {
        "created": len(rows),
        "on_time": tally["on_time"],
        "late": tally["late"],
        "unanswered": tally["unanswered"],
        "published": tally["published"],
    }
