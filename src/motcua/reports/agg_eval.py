"""The Circular 01/2018 evaluation's inputs (``indices.evaluation_inputs``) from the daily counts
(``aggregates.py``) instead of a scan of the period's resolved dossiers: the same figures per
lead agency at receipt, proved equal by the property test and ``motcua stats-verify``.

Each resolved dossier's points on indices 1–4 and 7 are kept in its snapshot (computed by the
scan's own expressions, ``indices.index_points``) and summed per finishing day and key
(``idx1`` … ``idx7``), with its late and missing apologies (``resolved_breach_late``,
``resolved_breach_missing``); the mean of an index is then Σ points / Σ resolved.
"""

from __future__ import annotations

from typing import Any

from motcua.reports import aggregates
from motcua.reports.selectors import Period, scope_agency_ids
from motcua.units.models import AdministrativeUnit

POINT_KEYS = ("i1", "i2", "i3", "i4", "i7")


def evaluation_inputs(
    period: Period,
    *,
    unit: AdministrativeUnit | None = None,
    agency_ids: list[int] | None = None,
) -> dict[str, Any]:
    """``indices.evaluation_inputs`` from the counts (not for a unit and agencies at once: the
    scan answers that)."""
    scope = scope_agency_ids(unit, agency_ids)
    exprs = {
        "n": aggregates.in_period("resolved"),
        **{k: aggregates.in_period(f"idx{k[1:]}") for k in POINT_KEYS},
        "breach_late": aggregates.in_period("resolved_breach_late"),
        "breach_missing": aggregates.in_period("resolved_breach_missing"),
        "late_online": aggregates.in_period("resolved_late", " AND channel = 'online'"),
    }
    wanted = set(agency_ids) if agency_ids is not None else None
    rows_in = aggregates.grouped(
        period.first, period.last, ["processing_agency_id"], scope, exprs, history=False
    )
    by_agency = [
        r
        for r in rows_in
        if int(r["n"] or 0) > 0 and (wanted is None or r["processing_agency_id"] in wanted)
    ]
    by_agency.sort(key=lambda r: r["processing_agency_id"])
    rows = []
    breaches: dict[int, dict[str, int]] = {}
    late_online: set[int] = set()
    for r in by_agency:
        agency, n = int(r["processing_agency_id"]), int(r["n"])
        rows.append({"agency": agency, "n": n, **{k: int(r[k]) / n for k in POINT_KEYS}})
        late, missing = int(r["breach_late"] or 0), int(r["breach_missing"] or 0)
        if late or missing:
            breaches[agency] = {"late": late, "missing": missing}
        if int(r["late_online"] or 0) > 0:
            late_online.add(agency)
    ids = [r["agency"] for r in rows]
    scored = set(ids)
    handled: dict[int, set[int]] = {}
    for agency, procedure in aggregates.resolved_pairs(period.first, period.last, scope):
        if agency in scored:
            handled.setdefault(agency, set()).add(procedure)
    # received in the period by the scored agencies, at any desk (as the scan reads it): the
    # whole province's per-agency rows (monthly for whole months), kept for those agencies
    received: dict[int, dict[str, int]] = {}
    if ids:
        for r in aggregates.grouped(
            period.first,
            period.last,
            ["processing_agency_id"],
            None,
            {
                "n": aggregates.in_period("received"),
                "online": aggregates.in_period("received", " AND channel = 'online'"),
            },
            history=False,
        ):
            agency = int(r["processing_agency_id"])
            if agency in scored and int(r["n"] or 0) > 0:
                received[agency] = {"n": int(r["n"]), "online": int(r["online"] or 0)}
    return {
        "rows": rows,
        "breaches": breaches,
        "handled": handled,
        "received": received,
        "late_online": late_online,
    }
