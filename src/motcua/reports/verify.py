"""The daily counts against the reference scan (``motcua stats-verify``, the property tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.reports.selectors import (
    Period,
    _report_from_aggregates,
    report_scan,
    scope_agency_ids,
    scope_for,
)
from motcua.units.models import AdministrativeUnit


def diff(a: Any, b: Any, path: str = "") -> list[str]:
    """Every place where two JSON-like values differ, as ``path: scan != aggregates``."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: {a.get(k, '∅')!r} != {b.get(k, '∅')!r}")
            else:
                out.extend(diff(a[k], b[k], f"{path}.{k}"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} dòng != {len(b)} dòng"]
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out.extend(diff(x, y, f"{path}[{i}]"))
        return out
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def _months(p: Period) -> list[Period]:
    out = []
    first = p.first
    while first <= p.last:
        nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        out.append(Period(first, min(p.last, nxt - dt.timedelta(days=1))))
        first = nxt
    return out


def index_inputs(p: Period, unit: AdministrativeUnit | None = None) -> tuple[Any, Any]:
    """The Decision 766 index's (numerator, denominator) pairs by the scan and from the counts."""
    from motcua.catalog.models import Procedure, ProcedureStatus
    from motcua.dossiers.models import Dossier
    from motcua.reports import agg_index, decision766

    scope = scope_for(unit) if unit is not None else None
    procedures = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
    scan = decision766._ratios(p, scope, procedures)
    base = decision766.handled(p, scope if scope is not None else Dossier.objects.all())
    agg = agg_index.ratios(p, scope_agency_ids(unit), None, procedures, None, base)
    return scan, agg


def evaluation_inputs(p: Period, unit: AdministrativeUnit | None = None) -> tuple[Any, Any]:
    """The Circular 01/2018 evaluation's inputs by the scan and from the counts (the procedure
    sets as sorted lists: comparable, and JSON for ``--json``)."""
    from motcua.reports import agg_eval
    from motcua.reports.indices import evaluation_inputs_scan

    def plain(inputs: dict[str, Any]) -> dict[str, Any]:
        return {
            **inputs,
            "handled": {str(k): sorted(v) for k, v in sorted(inputs["handled"].items())},
            "late_online": sorted(inputs["late_online"]),
            "breaches": {str(k): v for k, v in sorted(inputs["breaches"].items())},
            "received": {str(k): v for k, v in sorted(inputs["received"].items())},
        }

    scan = evaluation_inputs_scan(p, unit=unit)
    agg = agg_eval.evaluation_inputs(p, unit=unit)
    return plain(scan), plain(agg)


def verify(
    p: Period, *, unit: AdministrativeUnit | None = None, months: bool = False
) -> dict[str, Any]:
    periods = [p, *(_months(p) if months else [])]
    differences: list[str] = []
    for q in periods:
        scan = report_scan(q, unit=unit)
        agg = _report_from_aggregates(q, unit=unit, agency_ids=None, details=True)
        differences.extend(f"{q.first}..{q.last}{line}" for line in diff(scan, agg))
        i_scan, i_agg = index_inputs(q, unit)
        differences.extend(f"{q.first}..{q.last}.index766{line}" for line in diff(i_scan, i_agg))
        e_scan, e_agg = evaluation_inputs(q, unit)
        differences.extend(f"{q.first}..{q.last}.evaluation{line}" for line in diff(e_scan, e_agg))
    return {
        "from": p.first.isoformat(),
        "to": p.last.isoformat(),
        "periods": len(periods),
        "differences": differences,
    }
