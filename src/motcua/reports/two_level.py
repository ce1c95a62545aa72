"""Reports across the switch to two-level local government (issue 11, docs/two-level.md).

Every figure counts a dossier under the structure in force at its receipt: the receiving desk and
the lead agency kept in ``Dossier.origin_*`` when the transition moved it (the daily counts and the
scan both key on them), and its level as received. So a report of a period before 1 July 2025 is
unchanged by the transition, and a dossier received at a district desk in June and finished by
the successor ward in August counts once, at the district level, in every period it is alive in.

Two options, on request:

* ``by_desk``: the same figures per receiving desk (``by_receiving_agency``) beside the usual per
  lead agency (``by_agency``); each dossier is in one row of each view, and the totals (the
  ``levels`` table) count it once;
* ``roll_up``: the rows of agencies abolished by the end of the period are merged into their
  successors (``Agency.successor``, followed to the agency in force on the period's last day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from motcua.reports.selectors import (
    LEVEL_KEYS,
    Period,
    _finish,
    by_agency_column,
    scope_agency_ids,
    scope_for,
)
from motcua.units.models import AdministrativeUnit, Agency, Level

#: Figures computed from others by ``_finish`` (recomputed after a merge, never summed).
DERIVED = ("received", "resolved_on_time", "late_rate", "average_processing_days")


def by_receiving_agency(
    period: Period,
    *,
    unit: AdministrativeUnit | None = None,
    agency_ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """The period's figures per receiving desk at receipt (same keys as ``by_agency``)."""
    from motcua.reports import aggregates

    ids_given = list(agency_ids) if agency_ids is not None else None
    if aggregates.aggregates_complete() and not (unit is not None and ids_given is not None):
        ids = scope_agency_ids(unit, ids_given)
        rows = aggregates.sums(period.first, period.last, ["receiving_agency_id"], ids)
        for r in rows:
            r["processing_agency_id"] = r.pop("receiving_agency_id")
    else:
        scope = scope_for(unit, ids_given) if unit is not None or ids_given is not None else None
        return by_agency_column(period, scope, "desk_at_receipt")
    names = {
        a.pk: a for a in Agency.objects.filter(pk__in=[r["processing_agency_id"] for r in rows])
    }
    out = [
        {
            "agency_code": names[r["processing_agency_id"]].code,
            "agency": names[r["processing_agency_id"]].name,
            "level": LEVEL_KEYS[Level(names[r["processing_agency_id"]].level)],
            **_finish(r),
        }
        for r in rows
    ]
    return sorted(out, key=lambda x: (x["level"], x["agency_code"]))


def successor_on(agency: Agency, day: dt.date) -> Agency:
    """The agency carrying ``agency`` on ``day`` (itself when it is still in force)."""
    seen = {agency.pk}
    while agency.valid_to is not None and agency.valid_to < day and agency.successor_id:
        nxt = Agency.objects.get(pk=agency.successor_id)
        if nxt.pk in seen:
            break
        seen.add(nxt.pk)
        agency = nxt
    return agency


def roll_up(rows: list[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    """Merge the rows of agencies abolished before ``day`` into their successors' rows."""
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[r["agency_code"] for r in rows])}
    merged: dict[str, dict[str, Any]] = {}
    heads: dict[str, Agency] = {}
    for r in rows:
        head = successor_on(agencies[r["agency_code"]], day)
        heads[head.code] = head
        acc = merged.setdefault(head.code, {})
        for k, v in r.items():
            if k in DERIVED or not isinstance(v, int | float) or isinstance(v, bool):
                continue
            acc[k] = acc.get(k, 0) + v
    out = [
        {
            "agency_code": code,
            "agency": heads[code].name,
            "level": LEVEL_KEYS[Level(heads[code].level)],
            **_finish(acc),
        }
        for code, acc in merged.items()
    ]
    return sorted(out, key=lambda x: (x["level"], x["agency_code"]))


def extend(
    out: dict[str, Any],
    period: Period,
    *,
    unit: AdministrativeUnit | None,
    agency_ids: Iterable[int] | None,
    by_desk: bool,
    roll_up_to_successors: bool,
) -> dict[str, Any]:
    """Add the requested two-level views to a finished report (``selectors.report``)."""
    if by_desk:
        out["by_receiving_agency"] = by_receiving_agency(period, unit=unit, agency_ids=agency_ids)
    if roll_up_to_successors:
        out["rolled_up_to"] = period.last.isoformat()
        for key in ("by_agency", "by_receiving_agency"):
            if key in out:
                out[key] = roll_up(out[key], period.last)
    return out
