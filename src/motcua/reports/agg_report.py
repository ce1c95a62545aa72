"""The period report's tables read from the daily counts (``aggregates.py``): the same keys and
the same figures as the direct scan of ``selectors.py`` (the reference, proved equal by the
property tests and ``motcua stats-verify``)."""

from __future__ import annotations

from typing import Any

from motcua.catalog.models import Field
from motcua.reports import aggregates
from motcua.reports.selectors import LEVEL_KEYS, Period, _finish, _sum_rows
from motcua.units.models import Agency, Level


def levels_table(period: Period, agency_ids: list[int] | None = None) -> dict[str, Any]:
    rows = aggregates.sums(period.first, period.last, ["level"], agency_ids)
    levels: dict[str, Any] = {}
    kept = []
    for r in sorted(rows, key=lambda x: x["level"]):
        key = LEVEL_KEYS.get(Level(r["level"])) if r["level"] in Level.values else None
        if key is None:
            continue
        levels[key] = _finish(r)
        kept.append({k: v for k, v in r.items() if k != "level"})
    if levels:
        levels["total"] = _finish(_sum_rows(kept))
    return levels


def by_agency(period: Period, agency_ids: list[int] | None = None) -> list[dict[str, Any]]:
    rows = aggregates.sums(period.first, period.last, ["processing_agency_id"], agency_ids)
    names = {
        a.pk: a for a in Agency.objects.filter(pk__in=[r["processing_agency_id"] for r in rows])
    }
    out = []
    for r in rows:
        agency = names[r["processing_agency_id"]]
        figures = {k: v for k, v in r.items() if k != "processing_agency_id"}
        out.append(
            {
                "agency_code": agency.code,
                "agency": agency.name,
                "level": LEVEL_KEYS[Level(agency.level)],
                **_finish(figures),
            }
        )
    return sorted(out, key=lambda x: (x["level"], x["agency_code"]))


def by_field(period: Period, agency_ids: list[int] | None = None) -> list[dict[str, Any]]:
    rows = aggregates.by_field(period.first, period.last, agency_ids)
    info = {f.pk: f for f in Field.objects.filter(pk__in={r["field_id"] for r in rows})}
    out = [
        {
            "field_code": info[r["field_id"]].code,
            "field": info[r["field_id"]].name,
            "level": LEVEL_KEYS[Level(r["level"])],
            **_finish({k: v for k, v in r.items() if k not in ("field_id", "level")}),
        }
        for r in rows
    ]
    return sorted(out, key=lambda x: (x["level"], x["field_code"]))


def by_month(period: Period, agency_ids: list[int] | None = None) -> list[dict[str, Any]]:
    months: dict[tuple[int, int], list[int]] = {}
    for day, received, resolved, late in aggregates.by_day(period.first, period.last, agency_ids):
        m = months.setdefault((day.year, day.month), [0, 0, 0])
        m[0] += received
        m[1] += resolved
        m[2] += late
    out = []
    for (year, month), (received, resolved, late) in sorted(months.items()):
        if not received and not resolved:
            continue
        out.append(
            {
                "month": f"{month:02d}/{year}",
                "received": received,
                "resolved": resolved,
                "late": late,
                "late_rate": round(100 * late / resolved, 2) if resolved else 0.0,
            }
        )
    return out
