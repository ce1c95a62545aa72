"""The Decision 766 index's inputs (``decision766._ratios``) from the daily counts
(``aggregates.py``) instead of a scan of the period's dossiers: the same numerators and
denominators, proved equal by the property test and ``motcua stats-verify``.

Every dossier figure is a sum of kept facts (``aggregates.INDEX_EXPRS``): "late" for the progress
criterion = finished late in the period + open and overdue at its end + (asked for a supplement
more than once and alive) − (both), "owed an apology" = finished late + open and overdue. The
catalog (a few hundred procedures), the apologies, the ratings and the feedback are small tables
read as they are, joined to the dossiers by primary key.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from motcua.catalog.models import FeeItem, OnlineService, Procedure
from motcua.dossiers.models import Apology, ApologyBreach, Channel, Dossier, Rating
from motcua.reports import aggregates
from motcua.reports.selectors import LEVEL_KEYS, Period, overdue_at

TOTAL_KEYS = ("received_new", "resolved", "received_online", "digitized", "electronic_results")


def _dossier_q(
    period: Period | None, agency_ids: list[int] | None, level: int | None, prefix: str = ""
) -> Q:
    """In scope (and alive in the period, when one is given), as conditions on a related row's
    dossier."""
    p = prefix
    q = Q()
    if period is not None:
        q = Q(**{f"{p}received_at__isnull": False, f"{p}received_at__lt": period.end}) & (
            Q(**{f"{p}finished_at__isnull": True}) | Q(**{f"{p}finished_at__gte": period.start})
        )
    if agency_ids is not None:
        q &= Q(**{f"{p}receiving_agency_id__in": agency_ids}) | Q(
            **{f"{p}processing_agency_id__in": agency_ids}
        )
    if level is not None:
        q &= Q(**{f"{p}level": level})
    return q


def _owed_q(period: Period, p: str) -> Q:
    end = period.end
    from django.db.models import F

    ended_late = Q(**{f"{p}finished_at__lt": end, f"{p}finished_at__gt": F(f"{p}due_at")})
    return ended_late | overdue_at(end, p)  # not while the clock is stopped for a supplement


def ratios(
    period: Period,
    agency_ids: list[int] | None,
    level: int | None,
    procedures: QuerySet[Procedure],
    feedback_agencies: list[int] | None,
    base: QuerySet[Dossier],
) -> dict[str, tuple[int, int] | None]:
    """``decision766._ratios`` from the counts (``base``: the scan's handled dossiers, read only
    by the national-portal criterion, and only when that link is connected)."""
    from motcua.reports import decision766 as d766

    # the totals per channel and level (the narrow tables); per procedure only the figures
    # that depend on it (the period's rows alone, or the report's rows when read for it)
    rows = aggregates.sums(period.first, period.last, ["channel", "level"], agency_ids, index=True)
    per_procedure = aggregates.procedure_period_figures(period.first, period.last, agency_ids)
    if level is not None:
        rows = [r for r in rows if r["level"] == level]
        per_procedure = [r for r in per_procedure if r["level"] == level]

    def total(key: str, keep: Any = None) -> int:
        return sum(int(r[key] or 0) for r in rows if keep is None or keep(r))

    known = [r for r in rows if r["level"] in {int(k) for k in LEVEL_KEYS}]
    alive_levels = {
        r["level"] for r in known if (r["carried_over"] or 0) + (r["received_new"] or 0)
    }
    # the scan's levels_table total: the levels with dossiers alive in the period
    t = {k: sum(int(r[k] or 0) for r in known if r["level"] in alive_levels) for k in TOTAL_KEYS}
    n_handled = total("carried_over") + total("received_new")
    finished_late = total("finished_late")
    overdue = total("in_progress_overdue")
    n_late = (
        finished_late
        + overdue
        + total("twice_alive")
        - total("twice_finished_late")
        - total("twice_overdue")
    )
    owed = finished_late + overdue
    kept = (
        Apology.objects.filter(issued_at__lt=period.end)
        .filter(_dossier_q(period, agency_ids, level, "dossier__"))
        .filter(_owed_q(period, "dossier__"))
        .exclude(dossier__apology_breach=ApologyBreach.LATE)
        .values("dossier_id")
        .distinct()
        .count()
    )
    total_procs = procedures.count()
    complete = procedures.filter(documents__isnull=False, steps__isnull=False).distinct().count()
    offered = procedures.exclude(online_service=OnlineService.NONE)
    online = Channel.ONLINE.value
    used_ids = {r["procedure_id"] for r in per_procedure if (r["received_online"] or 0) > 0}
    used_codes = Procedure.objects.filter(pk__in=used_ids).values("code")
    used = offered.filter(code__in=used_codes).count()
    procs = {r["procedure_id"] for r in per_procedure}
    fee = set(
        FeeItem.objects.filter(procedure_id__in=procs, amount_vnd__gt=0).values_list(
            "procedure_id", flat=True
        )
    )
    ratings = Rating.objects.filter(at__gte=period.start, at__lt=period.end)
    if agency_ids is not None or level is not None:
        ratings = ratings.filter(_dossier_q(None, agency_ids, level, "dossier__"))
    n_rated = ratings.count()
    satisfaction: tuple[int, int] | None = None
    if n_rated and n_handled:
        complained = (
            Rating.objects.filter(score__lte=d766.NOT_SATISFIED)
            .filter(_dossier_q(period, agency_ids, level, "dossier__"))
            .count()
        )
        satisfaction = (max(0, n_handled - n_late - complained), n_handled)
    return {
        "catalog_complete": (complete, total_procs),
        "tracked": (total("tracked_alive"), n_handled),
        "apology_kept": (kept, owed),
        "national_sync": d766._national_sync(base),
        "progress": (n_handled - n_late, n_handled),
        "online_full": (procedures.filter(online_service=OnlineService.FULL).count(), total_procs),
        "online_dossiers": (t["received_online"], t["received_new"]),
        "online_services_used": (used, offered.count()),
        "online_payments": (
            sum(r["online_payments"] for r in per_procedure if r["procedure_id"] in fee),
            sum(r["received_new"] for r in per_procedure if r["procedure_id"] in fee),
        ),
        "digitized": (t["digitized"], t["received_new"]),
        "electronic_results": (t["electronic_results"], t["resolved"]),
        "reused_components": (total("reused"), t["received_new"]),
        "reused_national": None,
        "paper_digitized": (
            total("digitized", lambda r: r["channel"] != online),
            total("received_new", lambda r: r["channel"] != online),
        ),
        "results_stored": (total("results_stored"), t["resolved"]),
        "online_electronic": (
            total("input_electronic", lambda r: r["channel"] == online),
            total("received_new", lambda r: r["channel"] == online),
        ),
        "satisfied_ratings": (ratings.filter(score__gte=d766.SATISFIED).count(), n_rated)
        if n_rated
        else None,
        "satisfaction_dossiers": satisfaction,
        "feedback_on_time": d766._feedback_ratio(period, feedback_agencies),
    }


def online_services_used(period: Period, agency_ids: list[int] | None) -> tuple[int, int]:
    """(used, offered) for the target of that name (``indices.metric_value``)."""
    from motcua.catalog.models import ProcedureStatus

    rows = aggregates.grouped(
        period.first,
        period.last,
        ["procedure_id", "channel"],
        agency_ids,
        {"received_new": aggregates.in_period("received")},
        history=False,
    )
    online = Channel.ONLINE.value
    used_ids = {
        r["procedure_id"] for r in rows if r["channel"] == online and (r["received_new"] or 0) > 0
    }
    offered = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).exclude(
        online_service=OnlineService.NONE
    )
    used_codes = Procedure.objects.filter(pk__in=used_ids).values("code")
    return offered.filter(code__in=used_codes).count(), offered.count()
