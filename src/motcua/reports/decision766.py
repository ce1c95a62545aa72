"""The Decision 766/QĐ-TTg service index (REGULATIONS §7): five groups out of 100 points, each
criterion scored by steps (full marks from a threshold, part of the points from a lower one, 0
below), never linearly. Criteria, points and steps are data (``data/index766.json``, editable
as ``IndexCriterion``); the named formulas are here.

A criterion without data (no rating yet, no connection to the national portal, no feedback
module) says so and scores nothing; the maximum stays the sum of all points (100), so a missing
group is visible as ``no_data_points`` and is never silently re-weighted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from importlib import resources
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from motcua.catalog.models import FeeItem, OnlineService, Procedure, ProcedureStatus
from motcua.dossiers.models import (
    Apology,
    ApologyBreach,
    Channel,
    Document,
    DocumentKind,
    Dossier,
    DossierStep,
    Rating,
    Status,
    SupplementRequest,
)
from motcua.feedback.selectors import on_time_by_agency
from motcua.reports.models import IndexCriterion
from motcua.reports.selectors import (
    Period,
    alive,
    levels_table,
    overdue_at,
    scope_agency_ids,
    scope_for,
)
from motcua.units.models import AdministrativeUnit, Agency
from motcua.units.selectors import unit_subtree_ids

NO_DATA = "chưa có dữ liệu"
NO_SOURCE = {
    "national_sync": "chưa kết nối Cổng Dịch vụ công quốc gia",
    "reused_national": "chưa kết nối Cổng Dịch vụ công quốc gia, kho dữ liệu dùng chung",
    "feedback_on_time": "không có phản ánh, kiến nghị đến hạn trả lời trong kỳ",
}
# with nothing to count, these are met (no late dossier: no apology was owed)
FULL_WHEN_EMPTY = {"apology_kept"}
SATISFIED = 4  # ratings 4–5 of 5
NOT_SATISFIED = 2  # ratings 1–2 of 5: a complaint about the handling


def default_criteria() -> list[dict[str, Any]]:
    data = json.loads(
        resources.files("motcua.reports").joinpath("data", "index766.json").read_text("utf-8")
    )
    return list(data["criteria"])


def criteria_load() -> int:
    """Seed the admin-editable criteria from the shipped defaults (existing rows are kept)."""
    created = 0
    for i, c in enumerate(default_criteria()):
        _, new = IndexCriterion.objects.get_or_create(
            code=c["code"],
            defaults={
                "group": c["group"],
                "group_name": c["group_name"],
                "name": c["name"],
                "points": Decimal(str(c["points"])),
                "formula": c["formula"],
                "steps": c["steps"],
                "confirmed": c["confirmed"],
                "order": i,
            },
        )
        created += new
    return created


def _criteria() -> list[dict[str, Any]]:
    rows = list(
        IndexCriterion.objects.values(
            "group", "group_name", "code", "name", "points", "formula", "steps", "confirmed"
        )
    )
    if not rows:
        return default_criteria()
    shipped = {c["code"]: c["steps"] for c in default_criteria()}
    for r in rows:  # a row whose steps were cleared falls back to the shipped steps
        r["steps"] = r["steps"] or shipped.get(r["code"]) or [[100, 1]]
    return rows


def stepped(share: Decimal, steps: list[list[float]]) -> Decimal:
    """The part of the points a share (percent) earns: the first step it reaches."""
    for minimum, part in sorted(steps, key=lambda s: -s[0]):
        if share >= Decimal(str(minimum)):
            return Decimal(str(part))
    return Decimal(0)


# ---- the dossiers each formula counts ------------------------------------------------------


def handled(period: Period, scope: QuerySet[Dossier] | None) -> QuerySet[Dossier]:
    """Every dossier handled in the period: resolved, withdrawn or returned in it, or still in
    progress at its end."""
    return alive(period, scope)


def late_q(period: Period) -> Q:
    """Late for the progress criterion: ended after its due instant, still open and overdue at
    the period's end, or asked for a supplement more than once during processing."""
    end = period.end
    ended_late = Q(finished_at__lt=end, finished_at__gt=F("due_at"))
    open_overdue = overdue_at(end)  # not while the clock is stopped for a supplement
    twice = Exists(
        SupplementRequest.objects.filter(dossier=OuterRef("pk"), at_intake=False)
        .values("dossier")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return ended_late | open_overdue | Q(twice)


def owed_apology_q(period: Period) -> Q:
    """Dossiers that owed an apology: ended late in the period, or open and overdue at its end."""
    end = period.end
    ended_late = Q(finished_at__lt=end, finished_at__gt=F("due_at"))
    open_overdue = overdue_at(end)  # not while the clock is stopped for a supplement
    return ended_late | open_overdue


def _has_doc(*kinds: str, reused: bool = False) -> Exists:
    qs = Document.objects.filter(dossier=OuterRef("pk"))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if reused:
        # taken from the personal data store (eservices.DocumentReuse) or from an earlier
        # dossier's document (reused_from)
        qs = qs.filter(Q(reused_from__isnull=False) | Q(store_reuse__isnull=False))
    return Exists(qs)


def _feedback_ratio(period: Period, agency_ids: list[int] | None) -> tuple[int, int] | None:
    """Feedback due in the period answered on time (feedback.selectors; late or overdue
    unanswered counts against), over the agencies in scope; None when none was due."""
    stats = on_time_by_agency(period.start, period.end, agency_ids).values()
    due = sum(s["due"] for s in stats)
    return (sum(s["on_time"] for s in stats), due) if due else None


def _national_sync(base: QuerySet[Dossier]) -> tuple[int, int] | None:
    """Handled dossiers whose every status change reached the national portal (None while the
    link is neither configured nor ever used: no connection, no data)."""
    from motcua.integrations.portal import synced_ratio

    return synced_ratio(base)


def _ratios(
    period: Period,
    scope: QuerySet[Dossier] | None,
    procedures: QuerySet[Procedure],
    feedback_agencies: list[int] | None = None,
    agg_scope: tuple[list[int] | None, int | None] | None = None,
) -> dict[str, tuple[int, int] | None]:
    """(numerator, denominator) of each named formula; None: no data for it. ``agg_scope``
    (agencies, level) of the same scope: read from the daily counts when they are complete."""
    from motcua.reports import agg_index, aggregates

    if agg_scope is not None and aggregates.aggregates_complete():
        return agg_index.ratios(
            period, *agg_scope, procedures, feedback_agencies, handled(period, scope)
        )
    t = levels_table(period, scope).get("total") or dict.fromkeys(
        ("received_new", "resolved", "received_online", "digitized", "electronic_results"), 0
    )
    total_procs = procedures.count()
    complete = procedures.filter(documents__isnull=False, steps__isnull=False).distinct().count()
    offered = procedures.exclude(online_service=OnlineService.NONE)
    base = handled(period, scope)
    new = base.filter(received_at__gte=period.start)
    resolved = base.filter(status=Status.RESOLVED, finished_at__lt=period.end)
    n_handled = base.count()
    n_late = base.filter(late_q(period)).count()
    owed = base.filter(owed_apology_q(period))
    kept = owed.filter(
        Exists(Apology.objects.filter(dossier=OuterRef("pk"), issued_at__lt=period.end))
    ).exclude(apology_breach=ApologyBreach.LATE)
    # the procedures (by code, any version) that got an online dossier: grouped once, not one
    # correlated look-up per procedure
    online_ids = new.filter(channel=Channel.ONLINE).values("procedure_id").distinct()
    used_codes = Procedure.objects.filter(pk__in=online_ids).values("code")
    used = offered.filter(code__in=used_codes).count()
    with_fee = new.filter(
        Exists(FeeItem.objects.filter(procedure=OuterRef("procedure"), amount_vnd__gt=0))
    )
    paper = new.exclude(channel=Channel.ONLINE)
    online_new = new.filter(channel=Channel.ONLINE)
    ratings = Rating.objects.filter(at__gte=period.start, at__lt=period.end)
    if scope is not None:
        ratings = ratings.filter(dossier__in=scope)
    n_rated = ratings.count()
    satisfaction: tuple[int, int] | None = None
    if n_rated and n_handled:
        complained = base.filter(
            Exists(Rating.objects.filter(dossier=OuterRef("pk"), score__lte=NOT_SATISFIED))
        ).count()
        satisfaction = (max(0, n_handled - n_late - complained), n_handled)
    return {
        "catalog_complete": (complete, total_procs),
        "tracked": (
            base.filter(Exists(DossierStep.objects.filter(dossier=OuterRef("pk")))).count(),
            n_handled,
        ),
        "apology_kept": (kept.count(), owed.count()),
        "national_sync": _national_sync(base),
        "progress": (n_handled - n_late, n_handled),
        "online_full": (procedures.filter(online_service=OnlineService.FULL).count(), total_procs),
        "online_dossiers": (t["received_online"], t["received_new"]),
        "online_services_used": (used, offered.count()),
        "online_payments": (with_fee.filter(online_payment_vnd__gt=0).count(), with_fee.count()),
        "digitized": (t["digitized"], t["received_new"]),
        "electronic_results": (t["electronic_results"], t["resolved"]),
        "reused_components": (new.filter(_has_doc(reused=True)).count(), t["received_new"]),
        "reused_national": None,
        "paper_digitized": (paper.filter(digitized=True).count(), paper.count()),
        "results_stored": (
            resolved.filter(
                _has_doc(DocumentKind.RESULT_ELECTRONIC, DocumentKind.RESULT_PAPER_SCAN)
            ).count(),
            t["resolved"],
        ),
        "online_electronic": (
            online_new.filter(_has_doc(DocumentKind.INPUT_ELECTRONIC)).count(),
            online_new.count(),
        ),
        "satisfied_ratings": (ratings.filter(score__gte=SATISFIED).count(), n_rated)
        if n_rated
        else None,
        "satisfaction_dossiers": satisfaction,
        "feedback_on_time": _feedback_ratio(period, feedback_agencies),
    }


def index766(
    period: Period,
    *,
    unit: AdministrativeUnit | None = None,
    agency: Agency | None = None,
    level: int | None = None,
    agency_ids: Iterable[int] | None = None,
) -> dict[str, Any]:
    """Score out of 100 by group and criterion (see the module's docstring); over the province,
    a unit, one agency, a leader's agencies (``agency_ids``) or a level."""
    scope = None
    procedures = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
    agg_ids: list[int] | None = None  # the same scope for the daily counts
    if unit is not None:
        scope = scope_for(unit)
        agg_ids = scope_agency_ids(unit)
        procedures = procedures.filter(
            Q(agency__in=Agency.objects.filter(pk__in=scope.values("processing_agency")))
            | Q(agency__isnull=True)
        )
    if agency is not None:
        scope = scope_for(agency_ids=[agency.pk])
        agg_ids = [agency.pk]
        procedures = procedures.filter(agency=agency)
    if agency_ids is not None:
        ids = list(agency_ids)
        scope = scope_for(agency_ids=ids)
        agg_ids = ids
        procedures = procedures.filter(agency__in=ids)
    if level is not None:
        scope = (scope if scope is not None else Dossier.objects.all()).filter(level=level)
        procedures = procedures.filter(level=level)
    # the agencies whose feedback counts: those in scope (None: the whole province)
    fb: QuerySet[Agency] | None = None
    if unit is not None:
        fb = Agency.objects.filter(unit_id__in=unit_subtree_ids(unit))
    if agency is not None:
        fb = Agency.objects.filter(pk=agency.pk)
    if agency_ids is not None:
        fb = Agency.objects.filter(pk__in=ids)
    if level is not None:
        fb = (fb if fb is not None else Agency.objects.all()).filter(level=level)
    fb_ids = None if fb is None else list(fb.values_list("pk", flat=True))
    ratios = _ratios(period, scope, procedures, fb_ids, (agg_ids, level))
    groups: dict[str, dict[str, Any]] = {}
    score = maximum = no_data = Decimal(0)
    for c in _criteria():
        pts = Decimal(str(c["points"]))
        ratio = ratios.get(c["formula"])
        g = groups.setdefault(
            c["group"],
            {
                "name": c["group_name"],
                "score": Decimal(0),
                "max": Decimal(0),
                "scored": 0,
                "criteria": [],
            },
        )
        item: dict[str, Any] = {
            "code": c["code"],
            "name": c["name"],
            "points": float(pts),
            "steps": c["steps"],
            "confirmed": c["confirmed"],
        }
        g["max"] += pts
        maximum += pts
        if ratio is None or (ratio[1] == 0 and c["formula"] not in FULL_WHEN_EMPTY):
            item.update({"score": None, "note": NO_SOURCE.get(c["formula"], NO_DATA)})
            no_data += pts
        else:
            num, den = ratio
            share = Decimal(100) * num / den if den else Decimal(100)
            got = (pts * stepped(share, c["steps"])).quantize(Decimal("0.01"))
            item.update(
                {
                    "score": float(got),
                    "numerator": num,
                    "denominator": den,
                    "share": float(share.quantize(Decimal("0.01"))),
                }
            )
            if not den:
                item["note"] = "không có hồ sơ cần tính"
            g["score"] += got
            g["scored"] += 1
            score += got
        g["criteria"].append(item)
    out_groups = {}
    for k, v in groups.items():
        scored = v.pop("scored")
        out_groups[k] = {
            **v,
            "score": float(v["score"]) if scored else None,
            "max": float(v["max"]),
            **({} if scored else {"note": NO_DATA}),
        }
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "agency": agency.code if agency else None,
        "unit": unit.code if unit else None,
        "score": float(score),
        "max": float(maximum),
        "score_100": float((100 * score / maximum).quantize(Decimal("0.01"))) if maximum else 0.0,
        "no_data_points": float(no_data),
        "groups": out_groups,
    }


DRILL_DOWN = {
    "progress": "Hồ sơ trễ hạn (đã hoặc đang giải quyết, kể cả yêu cầu bổ sung quá 01 lần)",
    "on_time": "Hồ sơ giải quyết trễ hạn",
    "tracked": "Hồ sơ không có tiến độ từng bước trên hệ thống",
    "apology_kept": "Hồ sơ trễ hạn không có văn bản xin lỗi đúng hạn",
    "online_dossiers": "Hồ sơ không tiếp nhận trực tuyến",
    "online_payments": "Hồ sơ của TTHC có phí không thanh toán trực tuyến",
    "digitized": "Hồ sơ chưa được số hóa khi tiếp nhận",
    "paper_digitized": "Hồ sơ giấy chưa được số hóa",
    "electronic_results": "Hồ sơ chưa có kết quả điện tử",
}


def drill_down(
    period: Period, criterion: str, *, scope: QuerySet[Dossier] | None = None, limit: int = 200
) -> QuerySet[Dossier]:
    """The dossiers that cost points on a criterion."""
    base = handled(period, scope)
    new = base.filter(received_at__gte=period.start)
    resolved = base.filter(status=Status.RESOLVED, finished_at__lt=period.end)
    owed = base.filter(owed_apology_q(period))
    qs = {
        "progress": base.filter(late_q(period)),
        "on_time": resolved.filter(finished_at__gt=F("due_at")),
        "tracked": base.exclude(Exists(DossierStep.objects.filter(dossier=OuterRef("pk")))),
        "apology_kept": owed.exclude(
            Exists(Apology.objects.filter(dossier=OuterRef("pk"), issued_at__lt=period.end))
        )
        | owed.filter(apology_breach=ApologyBreach.LATE),
        "online_dossiers": new.exclude(channel=Channel.ONLINE),
        "online_payments": new.filter(
            Exists(FeeItem.objects.filter(procedure=OuterRef("procedure"), amount_vnd__gt=0)),
            online_payment_vnd=0,
        ),
        "digitized": new.filter(digitized=False),
        "paper_digitized": new.exclude(channel=Channel.ONLINE).filter(digitized=False),
        "electronic_results": resolved.filter(electronic_result=False),
    }.get(criterion)
    if qs is None:
        return Dossier.objects.none()
    return qs.select_related("procedure", "processing_agency").order_by("received_at")[:limit]
