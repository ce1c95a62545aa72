"""The criteria the system fills itself: measured from the agency's dossiers, ratings and
feedback of the assessed year, through the reports' selectors (``report``: the same counts as the
statistics), the feedback module's on-time count and, for the commune tree, the Decision 766
index; the satisfaction share is one count over the ratings with decision766's threshold.

Scope: a department is measured on the dossiers it processes or receives (``agency_ids``); a
district or commune People's Committee on every dossier of its territory (``unit``: its own
agencies and, for a district, its communes'), as the reports count them.

Each metric gives ``{"value", "numerator", "denominator", "note"}``; ``value`` is None when there
is nothing to measure (no dossier in the year, no rating): the criterion then says so, and the
agency may enter the value itself with evidence (years before the system, for instance).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from motcua.dossiers.models import Rating
from motcua.feedback.selectors import on_time_by_agency
from motcua.reports.decision766 import SATISFIED, index766
from motcua.reports.selectors import Period, period_preset, report, scope_for
from motcua.units.models import Agency, Level
from motcua.units.selectors import agencies_under

#: metric key → (label, unit, where it comes from)
METRICS: dict[str, tuple[str, str, str]] = {
    "on_time_rate": (
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "%",
        "reports.selectors: đúng hạn / đã giải quyết trong năm",
    ),
    "late_count": (
        "Số hồ sơ giải quyết trễ hạn",
        "hồ sơ",
        "reports.selectors: đã giải quyết trễ hạn trong năm",
    ),
    "online_share": (
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
        "%",
        "reports.selectors: trực tuyến / tiếp nhận mới trong năm",
    ),
    "digitized_share": (
        "Tỷ lệ hồ sơ được số hóa khi tiếp nhận",
        "%",
        "reports.selectors: số hóa / tiếp nhận mới trong năm",
    ),
    "electronic_results_share": (
        "Tỷ lệ kết quả giải quyết điện tử",
        "%",
        "reports.selectors: kết quả điện tử / đã giải quyết trong năm",
    ),
    "online_payment_share": (
        "Tỷ lệ hồ sơ thanh toán trực tuyến",
        "%",
        "reports.selectors: thanh toán trực tuyến / tiếp nhận mới trong năm",
    ),
    "satisfaction": (
        "Tỷ lệ đánh giá hài lòng trên hệ thống",
        "%",
        "dossiers.Rating, thang của reports.decision766: đánh giá 4–5 / số đánh giá trong năm",
    ),
    "feedback_on_time": (
        "Tỷ lệ phản ánh, kiến nghị trả lời đúng hạn",
        "%",
        "feedback.selectors.on_time_by_agency: trả lời đúng hạn / đến hạn trong năm",
    ),
    "index766": (
        "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)",
        "điểm/100",
        "reports.decision766: điểm quy về thang 100",
    ),
}

CENT = Decimal("0.01")
NO_DOSSIER = "không có hồ sơ trong năm"


def _pct(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(100) * num / den).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(num: int, den: int, note: str = NO_DOSSIER) -> dict[str, Any]:
    value = _pct(num, den)
    out: dict[str, Any] = {"value": value, "numerator": num, "denominator": den}
    if value is None:
        out["note"] = note
    return out


def scope_kwargs(agency: Agency) -> dict[str, Any]:
    """How the reports select this agency's dossiers (see the module's docstring)."""
    if agency.level in (Level.DISTRICT, Level.COMMUNE) and agency.kind == "ubnd":
        return {"unit": agency.unit}
    ids = [agency.pk, *Agency.objects.filter(parent=agency).values_list("pk", flat=True)]
    return {"agency_ids": ids}


def measure(agency: Agency, year: int, keys: set[str] | None = None) -> dict[str, dict]:
    """The metrics of ``agency`` over ``year`` (only ``keys`` when given)."""
    wanted = set(METRICS) if keys is None else set(keys) & set(METRICS)
    if not wanted:
        return {}
    period: Period = period_preset(year, "year")
    scope = scope_kwargs(agency)
    t = report(period, details=False, **scope)["levels"].get("total") or {}

    def g(k: str) -> int:
        return int(t.get(k) or 0)

    out: dict[str, dict] = {
        "on_time_rate": _ratio(g("resolved_on_time"), g("resolved")),
        "late_count": {
            "value": Decimal(g("resolved_late")) if g("resolved") else None,
            "numerator": g("resolved_late"),
            "denominator": g("resolved"),
            **({} if g("resolved") else {"note": NO_DOSSIER}),
        },
        "online_share": _ratio(g("received_online"), g("received_new")),
        "digitized_share": _ratio(g("digitized"), g("received_new")),
        "electronic_results_share": _ratio(g("electronic_results"), g("resolved")),
        "online_payment_share": _ratio(g("online_payments"), g("received_new")),
    }
    agency_ids = (
        list(agencies_under(scope["unit"]).values_list("pk", flat=True))
        if "unit" in scope
        else scope["agency_ids"]
    )
    if "satisfaction" in wanted:
        # the Decision 766 satisfaction criterion: ratings of 4–5 of 5 over the year's ratings of
        # the dossiers in scope (decision766.SATISFIED), one count query
        ratings = Rating.objects.filter(
            at__gte=period.start, at__lt=period.end, dossier__in=scope_for(**scope)
        )
        n = ratings.count()
        happy = ratings.filter(score__gte=SATISFIED).count() if n else 0
        out["satisfaction"] = _ratio(happy, n, "chưa có đánh giá của người dân trong năm")
    if "feedback_on_time" in wanted:
        # Circular 01/2018 index 8 as the feedback module counts it (feedback.selectors)
        stats = on_time_by_agency(period.start, period.end, agency_ids).values()
        due = sum(st["due"] for st in stats)
        out["feedback_on_time"] = _ratio(
            sum(st["on_time"] for st in stats),
            due,
            "không có phản ánh, kiến nghị đến hạn trong năm",
        )
    if "index766" in wanted:
        has_any = g("received") or g("resolved")
        idx = index766(period, **scope) if has_any else None
        out["index766"] = {
            "value": Decimal(str(idx["score_100"])).quantize(CENT) if idx else None,
            "numerator": idx["score"] if idx else 0,
            "denominator": idx["max"] if idx else 0,
            **({} if idx else {"note": NO_DOSSIER}),
        }
    return {k: v for k, v in out.items() if k in wanted}


def agencies_scope_label(agency: Agency) -> str:
    if "unit" in scope_kwargs(agency):
        return f"hồ sơ trên địa bàn {agency.unit.name}"
    return f"hồ sơ do {agency.name} giải quyết"


__all__ = ["METRICS", "agencies_scope_label", "measure", "scope_kwargs"]
