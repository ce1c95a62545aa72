"""The statistics: computed from dossiers with one aggregate query per grouping.

Definitions (period = local dates, both inclusive; ``start`` = first day 00:00, ``end`` = the day
after the last, 00:00, Asia/Ho_Chi_Minh):

* ``carried_over``: received before ``start`` and not finished before it;
* ``received_new``: received in [start, end); ``received`` = carried_over + received_new;
* ``received_online``: received_new through the online channel;
* ``resolved`` / ``withdrawn`` / ``returned``: finished in [start, end) with that status;
* ``resolved_late``: resolved with finished_at > due_at; ``resolved_on_time`` = resolved − late;
* ``resolved_early``: resolved on a local day before due_at's local day;
* ``late_rate``: 100 × resolved_late / resolved, two decimals (0.0 when nothing resolved);
* ``in_progress``: received before ``end`` and not finished before it; ``in_progress_overdue``:
  of those, due_at before ``end``, except a dossier whose clock stopped for a supplement no later
  than its due instant and has not run again (``overdue_at``);
* ``apologies``: apologies (Mẫu 04) issued in [start, end); ``apology_breach_late``: of those,
  issued after the latest legal moment (one working day before the due instant);
  ``apology_breach_missing``: dossiers finished in [start, end) late with no apology. Each breach
  is counted once, in the period it happened (the apology's issue, the dossier's end);
* ``withdrawn_returned_online`` / ``withdrawn_returned_carried_over``: of the withdrawn and
  returned, those received online in the period / carried over (Biểu 06 leaves them out).

So received = resolved + withdrawn + returned + in_progress, per level and in total. Only
dossiers alive in the period are read: the WHERE clause (received before end, not finished before
start) is answered by the indexes on received_at and (finished_at, received_at).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DateTimeField, F, Func, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from motcua.catalog.models import Field, Procedure
from motcua.catalog.selectors import catalog_counts
from motcua.dossiers.models import Apology, ApologyBreach, Channel, Dossier, Status
from motcua.units.models import AdministrativeUnit, Agency, Level
from motcua.units.selectors import agencies_under

LEVEL_KEYS = {Level.PROVINCE: "province", Level.DISTRICT: "district", Level.COMMUNE: "commune"}
LEVEL_NAMES = {
    "province": "Cấp tỉnh",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
    "total": "Tổng cộng",
}
BASE_KEYS = (
    "carried_over",
    "received_new",
    "received",
    "received_online",
    "resolved",
    "resolved_on_time",
    "resolved_early",
    "resolved_late",
    "late_rate",
    "withdrawn",
    "returned",
    "in_progress",
    "in_progress_overdue",
)
EXTRA_KEYS = (
    "digitized",
    "electronic_results",
    "online_payments",
    "online_payment_vnd",
    "apologies",
    "apology_breach_late",
    "apology_breach_missing",
    "withdrawn_returned_online",
    "withdrawn_returned_carried_over",
    "working_seconds",
)


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(settings.TIME_ZONE)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time.min, tzinfo=self.tz)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=self.tz)


def period_preset(year: int, kind: str, number: int = 1) -> Period:
    """month N, quarter N, 6 (first half), 9 (nine months), year."""
    if kind == "month":
        first = dt.date(year, number, 1)
        nxt = dt.date(year + (number == 12), number % 12 + 1, 1)
        return Period(first, nxt - dt.timedelta(days=1))
    if kind == "quarter":
        first = dt.date(year, 3 * (number - 1) + 1, 1)
        last_month = 3 * number
        nxt = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
        return Period(first, nxt - dt.timedelta(days=1))
    if kind == "6":
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30))
    if kind == "9":
        return Period(dt.date(year, 1, 1), dt.date(year, 9, 30))
    if kind == "year":
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    raise ValueError(kind)


def latest_period(scope: QuerySet[Dossier] | None = None) -> tuple[Period, str]:
    """The period a dashboard opens on: the latest closed reporting period with data. Reports
    are made for closed periods (the half-year, the year), so the dossiers received since the
    current half-year began do not choose it: the latest dossier received before then does — the
    first half of its year when it came in January–June, else its whole year. With nothing before
    the current half-year (a new installation), this year so far. Returns the period and its
    preset kind."""
    qs = scope if scope is not None else Dossier.objects.all()
    today = timezone.localdate()
    half_start = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    cutoff = dt.datetime.combine(half_start, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    latest = qs.filter(received_at__lt=cutoff).aggregate(m=Max("received_at"))["m"]
    if latest is None:
        return period_preset(today.year, "year"), "year"
    day = timezone.localtime(latest).date()
    kind = "6" if day.month <= 6 else "year"
    return period_preset(day.year, kind), kind


def overdue_at(end: dt.datetime, prefix: str = "") -> Q:
    """Open at ``end`` (not finished before it) and past its due instant (``prefix``: the path to
    the dossier, e.g. ``"dossier__"``).

    Not a dossier waiting for a supplement whose clock stopped no later than its due instant:
    the time limit does not run while the supplement is awaited (REGULATIONS.md §2: it restarts
    from zero, or resumes, once the complete dossier is received), so the old due instant passing
    does not make it overdue — the apology rule's reading (``apology_breach_on_end``) and the
    officers' warnings'. When the supplement arrives ``paused_at`` is cleared and ``due_at`` is
    the new due instant (so the exception never reaches back into a period that ended before the
    clock stopped: ``paused_at <= due_at < end`` means it had stopped by then). One that stopped
    after its due instant was late already and stays overdue."""
    p = prefix
    stopped = Q(**{f"{p}paused_at__isnull": False, f"{p}paused_at__lte": F(f"{p}due_at")})
    return (
        (Q(**{f"{p}finished_at__isnull": True}) | Q(**{f"{p}finished_at__gte": end}))
        & Q(**{f"{p}due_at__lt": end})
        & ~stopped
    )


def alive(period: Period, scope: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """Dossiers received before the period's end and not finished before its start."""
    qs = scope if scope is not None else Dossier.objects.all()
    return qs.filter(received_at__isnull=False, received_at__lt=period.end).filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=period.start)
    )


def _aggregates(period: Period) -> dict[str, Any]:
    start, end = period.start, period.end
    new = Q(received_at__gte=start)
    fin = Q(finished_at__lt=end)
    resolved = Q(status=Status.RESOLVED) & fin
    open_at_end = Q(finished_at__isnull=True) | Q(finished_at__gte=end)
    ended_other = Q(status__in=(Status.WITHDRAWN, Status.RETURNED)) & fin
    return {
        "carried_over": Count("id", filter=Q(received_at__lt=start)),
        "received_new": Count("id", filter=new),
        "received_online": Count("id", filter=new & Q(channel=Channel.ONLINE)),
        "resolved": Count("id", filter=resolved),
        "resolved_late": Count("id", filter=resolved & Q(finished_at__gt=F("due_at"))),
        "resolved_early": Count("id", filter=resolved & Q(fin_day__lt=F("due_day"))),
        "withdrawn": Count("id", filter=Q(status=Status.WITHDRAWN) & fin),
        "returned": Count("id", filter=Q(status=Status.RETURNED) & fin),
        "in_progress": Count("id", filter=open_at_end),
        "in_progress_overdue": Count("id", filter=overdue_at(end)),
        "digitized": Count("id", filter=new & Q(digitized=True)),
        "electronic_results": Count("id", filter=resolved & Q(electronic_result=True)),
        "online_payments": Count("id", filter=new & Q(online_payment_vnd__gt=0)),
        "online_payment_vnd": Sum("online_payment_vnd", filter=new, default=0),
        "working_seconds": Sum("working_seconds", filter=resolved, default=0),
        "apology_breach_missing": Count("id", filter=fin & Q(apology_breach=ApologyBreach.MISSING)),
        "withdrawn_returned_online": Count(
            "id", filter=ended_other & new & Q(channel=Channel.ONLINE)
        ),
        "withdrawn_returned_carried_over": Count(
            "id", filter=ended_other & Q(received_at__lt=start)
        ),
    }


def _finish(row: dict[str, Any], day_seconds: int = 8 * 3600) -> dict[str, Any]:
    out = {
        k: int(row.get(k) or 0)
        for k in (
            "carried_over",
            "received_new",
            "received_online",
            "resolved",
            "resolved_late",
            "resolved_early",
            "withdrawn",
            "returned",
            "in_progress",
            "in_progress_overdue",
            "digitized",
            "electronic_results",
            "online_payments",
            "online_payment_vnd",
            "apologies",
            "apology_breach_late",
            "apology_breach_missing",
            "withdrawn_returned_online",
            "withdrawn_returned_carried_over",
            "working_seconds",
        )
    }
    out["received"] = out["carried_over"] + out["received_new"]
    out["resolved_on_time"] = out["resolved"] - out["resolved_late"]
    out["late_rate"] = (
        round(100 * out["resolved_late"] / out["resolved"], 2) if out["resolved"] else 0.0
    )
    out["average_processing_days"] = (
        round(out["working_seconds"] / out["resolved"] / day_seconds, 2) if out["resolved"] else 0.0
    )
    return out


class LocalDay(Func):
    """The local calendar day of an instant in a fixed-offset zone, computed natively (no
    per-row time-zone lookup): 'finished on a day before the due day' on millions of rows."""

    output_field = DateTimeField()

    def __init__(self, expression: Any, offset_seconds: int) -> None:
        super().__init__(expression)
        self.offset = int(offset_seconds)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date_trunc('day', {sql} + make_interval(secs => {self.offset}))", params

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # SQLite and others
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.offset:+d} seconds')", params


def _offset(period: Period) -> int:
    moment = period.start.utcoffset()
    return int(moment.total_seconds()) if moment is not None else 0


def _annotated(qs: QuerySet[Dossier], period: Period) -> QuerySet[Dossier]:
    offset = _offset(period)
    return qs.annotate(fin_day=LocalDay("finished_at", offset), due_day=LocalDay("due_at", offset))


def _grouped(qs: QuerySet[Dossier], period: Period, keys: Iterable[str]) -> list[dict[str, Any]]:
    return list(
        _annotated(qs, period).values(*keys).annotate(**_aggregates(period)).order_by(*keys)
    )


def scope_for(
    unit: AdministrativeUnit | None = None, agency_ids: Iterable[int] | None = None
) -> QuerySet[Dossier]:
    # the agencies in force at receipt (issue 11; the daily counts are keyed the same way)
    qs = Dossier.objects.annotate(**AT_RECEIPT)
    if unit is not None:
        ids = list(agencies_under(unit).values_list("pk", flat=True))
        qs = qs.filter(Q(desk_at_receipt__in=ids) | Q(agency_at_receipt__in=ids))
    if agency_ids is not None:
        ids2 = list(agency_ids)
        qs = qs.filter(Q(desk_at_receipt__in=ids2) | Q(agency_at_receipt__in=ids2))
    return qs


#: A dossier's receiving desk and lead agency as they were at receipt (a transition to the
#: two-level model moves open dossiers to the successors and keeps these in ``origin_*``).
AT_RECEIPT = {
    "desk_at_receipt": Coalesce("origin_receiving_agency_id", "receiving_agency_id"),
    "agency_at_receipt": Coalesce("origin_processing_agency_id", "processing_agency_id"),
}


def _apologies(
    period: Period, scope: QuerySet[Dossier] | None, keys: list[str]
) -> dict[tuple[Any, ...], dict[str, int]]:
    """Apologies issued in the period, and the late ones, per grouping of their dossiers (a
    separate query: apologies are few, and the period's dossiers are not joined to them)."""
    qs = Apology.objects.filter(issued_at__gte=period.start, issued_at__lt=period.end)
    if scope is not None:
        qs = qs.filter(dossier__in=scope)
    fields = [f"dossier__{k}" for k in keys]
    if any(k in AT_RECEIPT for k in keys):  # the agencies at receipt, as the tables use them
        qs = qs.annotate(**{f"d_{k}": _via_dossier(AT_RECEIPT[k]) for k in keys if k in AT_RECEIPT})
        fields = [f"d_{k}" if k in AT_RECEIPT else f"dossier__{k}" for k in keys]
    rows = (
        qs.values(*fields)
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(dossier__apology_breach=ApologyBreach.LATE)),
        )
        .order_by()
    )
    return {
        tuple(r[f] for f in fields): {"apologies": r["n"], "apology_breach_late": r["late"]}
        for r in rows
    }


def _via_dossier(expr: Coalesce) -> Coalesce:
    return Coalesce(*(f"dossier__{e.name}" for e in expr.get_source_expressions()))


def levels_table(period: Period, scope: QuerySet[Dossier] | None = None) -> dict[str, Any]:
    """The seed's table: per level and the total."""
    base = alive(period, scope)
    rows = _grouped(base, period, ["level"])
    apologies = _apologies(period, scope, ["level"])
    levels: dict[str, Any] = {}
    total: dict[str, Any] = {}
    for r in rows:
        key = LEVEL_KEYS.get(Level(r["level"]))
        if key is None:
            continue
        r.update(apologies.get((r["level"],), {}))
        levels[key] = _finish(r)
        for k, v in r.items():
            if k != "level" and isinstance(v, int | float):
                total[k] = total.get(k, 0) + (v or 0)
    if levels:
        levels["total"] = _finish(total)
    return levels


def _sum_rows(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for r in rows:
        for k, v in r.items():
            if isinstance(v, int | float):
                total[k] = total.get(k, 0) + (v or 0)
    return total


def by_agency(period: Period, scope: QuerySet[Dossier] | None = None) -> list[dict[str, Any]]:
    """Grouped on the foreign key (no join over the period's rows); names looked up after."""
    return by_agency_column(period, scope, "agency_at_receipt")


def by_agency_column(
    period: Period, scope: QuerySet[Dossier] | None, column: str
) -> list[dict[str, Any]]:
    """Per lead agency (``agency_at_receipt``) or per receiving desk (``desk_at_receipt``)."""
    base = scope if scope is not None else Dossier.objects.annotate(**AT_RECEIPT)
    rows = _grouped(alive(period, base), period, [column])
    apologies = _apologies(period, scope, [column])
    for r in rows:
        r["processing_agency_id"] = r.pop(column)
        r.update(apologies.get((r["processing_agency_id"],), {}))
    names = {
        a.pk: a for a in Agency.objects.filter(pk__in=[r["processing_agency_id"] for r in rows])
    }
    out = []
    for r in rows:
        agency = names[r["processing_agency_id"]]
        out.append(
            {
                "agency_code": agency.code,
                "agency": agency.name,
                "level": LEVEL_KEYS[Level(agency.level)],
                **_finish(r),
            }
        )
    return sorted(out, key=lambda x: (x["level"], x["agency_code"]))


def by_field(period: Period, scope: QuerySet[Dossier] | None = None) -> list[dict[str, Any]]:
    """Grouped on (procedure, level), then summed per field: a few hundred rows, not millions,
    go through the join."""
    rows = _grouped(alive(period, scope), period, ["procedure_id", "level"])
    apologies = _apologies(period, scope, ["procedure_id", "level"])
    for r in rows:
        r.update(apologies.get((r["procedure_id"], r["level"]), {}))
    fields = dict(
        Procedure.objects.filter(pk__in={r["procedure_id"] for r in rows}).values_list(
            "pk", "field_id"
        )
    )
    groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((fields[r["procedure_id"]], r["level"]), []).append(r)
    info = {f.pk: f for f in Field.objects.filter(pk__in={k[0] for k in groups})}
    out = [
        {
            "field_code": info[f].code,
            "field": info[f].name,
            "level": LEVEL_KEYS[Level(level)],
            **_finish(_sum_rows(items)),
        }
        for (f, level), items in groups.items()
    ]
    return sorted(out, key=lambda x: (x["level"], x["field_code"]))


class LocalMonth(LocalDay):
    """The first day of the local month of an instant (fixed-offset zone)."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date_trunc('month', {sql} + make_interval(secs => {self.offset}))", params

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.offset:+d} seconds', 'start of month')", params


def by_month(period: Period, scope: QuerySet[Dossier] | None = None) -> list[dict[str, Any]]:
    """Received, resolved and late per month of the period (the dashboard's trend)."""
    qs = scope if scope is not None else Dossier.objects.all()
    offset = _offset(period)
    received = {
        _month_key(m): n
        for m, n in qs.filter(received_at__gte=period.start, received_at__lt=period.end)
        .annotate(m=LocalMonth("received_at", offset))
        .values("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    }
    done = {
        _month_key(r["m"]): r
        for r in qs.filter(
            status=Status.RESOLVED, finished_at__gte=period.start, finished_at__lt=period.end
        )
        .annotate(m=LocalMonth("finished_at", offset))
        .values("m")
        .annotate(n=Count("id"), late=Count("id", filter=Q(finished_at__gt=F("due_at"))))
    }
    out = []
    for key in sorted({*received, *done}):
        d = done.get(key, {"n": 0, "late": 0})
        out.append(
            {
                "month": f"{key[1]:02d}/{key[0]}",
                "received": received.get(key, 0),
                "resolved": d["n"],
                "late": d["late"],
                "late_rate": round(100 * d["late"] / d["n"], 2) if d["n"] else 0.0,
            }
        )
    return out


def _month_key(value: Any) -> tuple[int, int]:
    """(year, month) from what the database returns: a datetime, a date or 'YYYY-MM-DD'."""
    if isinstance(value, str):
        y, m, _ = value.split("-", 2)
        return int(y), int(m)
    return value.year, value.month


def catalog_section(period: Period) -> dict[str, Any]:
    counts = catalog_counts(on=period.last)
    total = counts.get("total", {})
    online_share = (
        round(100 * total.get("online", 0) / total["total"], 2) if total.get("total") else 0.0
    )
    return {"by_level": counts, "online_share": online_share}


def shares(levels: dict[str, Any]) -> dict[str, float]:
    t = levels.get("total")
    if not t:
        return {}

    def pct(a: int, b: int) -> float:
        return round(100 * a / b, 2) if b else 0.0

    return {
        "received_online": pct(t["received_online"], t["received_new"]),
        "digitized": pct(t["digitized"], t["received_new"]),
        "electronic_results": pct(t["electronic_results"], t["resolved"]),
        "online_payments": pct(t["online_payments"], t["received_new"]),
        "on_time": pct(t["resolved_on_time"], t["resolved"]),
    }


def report(
    period: Period,
    *,
    unit: AdministrativeUnit | None = None,
    agency_ids: Iterable[int] | None = None,
    details: bool = True,
    by_desk: bool = False,
    roll_up: bool = False,
) -> dict[str, Any]:
    """The whole report as a JSON-able dict (docs/report-format.md names every key).
    ``by_desk`` / ``roll_up``: the two-level views (reports/two_level.py, issue 11)."""
    from motcua.reports import aggregates

    if agency_ids is not None:
        agency_ids = list(agency_ids)
        if roll_up:  # the agencies' predecessors' dossiers too, merged into them below
            from motcua.reports.two_level import with_predecessors

            agency_ids = with_predecessors(agency_ids)
    if aggregates.aggregates_complete():
        out = _report_from_aggregates(period, unit=unit, agency_ids=agency_ids, details=details)
    else:
        out = report_scan(period, unit=unit, agency_ids=agency_ids, details=details)
    if details and (by_desk or roll_up):
        from motcua.reports import two_level

        two_level.extend(
            out,
            period,
            unit=unit,
            agency_ids=agency_ids,
            by_desk=by_desk,
            roll_up_to_successors=roll_up,
        )
    return out


def report_scan(
    period: Period,
    *,
    unit: AdministrativeUnit | None = None,
    agency_ids: Iterable[int] | None = None,
    details: bool = True,
) -> dict[str, Any]:
    """The reference: the report by a direct scan of the period's dossiers."""
    scope = scope_for(unit, agency_ids) if unit is not None or agency_ids is not None else None
    levels = levels_table(period, scope)
    out: dict[str, Any] = {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "unit": unit.code if unit is not None else None,
        "levels": levels,
    }
    if details:
        out["shares"] = shares(levels)
        out["catalog"] = catalog_section(period)
        out["by_agency"] = by_agency(period, scope)
        out["by_field"] = by_field(period, scope)
        out["by_month"] = by_month(period, scope)
    return out


def scope_agency_ids(
    unit: AdministrativeUnit | None = None, agency_ids: Iterable[int] | None = None
) -> list[int] | None:
    """The agencies ``scope_for`` restricts to (both restrictions at once: the intersection of
    the dossiers of each), as one list for the daily counts; None when unrestricted."""
    if unit is None and agency_ids is None:
        return None
    if unit is not None and agency_ids is not None:
        return None  # both at once: not expressible as one list (the scan answers)
    if unit is not None:
        return list(agencies_under(unit).values_list("pk", flat=True))
    return list(agency_ids or [])


def _report_from_aggregates(
    period: Period,
    *,
    unit: AdministrativeUnit | None,
    agency_ids: Iterable[int] | None,
    details: bool,
) -> dict[str, Any]:
    from motcua.reports import agg_report

    if agency_ids is not None:
        agency_ids = list(agency_ids)
    if unit is not None and agency_ids is not None:
        return report_scan(period, unit=unit, agency_ids=agency_ids, details=details)
    ids = scope_agency_ids(unit, agency_ids)
    levels = agg_report.levels_table(period, ids)
    out: dict[str, Any] = {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "unit": unit.code if unit is not None else None,
        "levels": levels,
    }
    if details:
        out["shares"] = shares(levels)
        out["catalog"] = catalog_section(period)
        out["by_agency"] = agg_report.by_agency(period, ids)
        out["by_field"] = agg_report.by_field(period, ids)
        out["by_month"] = agg_report.by_month(period, ids)
    return out


GOVERNMENT_OFFICE = "Văn phòng Chính phủ"


def report_units(
    unit: AdministrativeUnit | None = None, agency_ids: Iterable[int] | None = None
) -> tuple[str, str]:
    """(reporting unit, receiving unit) named on Biểu 06: the province reports to the Government
    Office; a lower unit or an agency to the Office of the provincial People's Committee."""
    committee = Agency.objects.filter(level=Level.PROVINCE, kind="ubnd").order_by("code").first()
    province_office = f"Văn phòng {committee.name}" if committee else "Văn phòng UBND cấp tỉnh"
    if agency_ids is not None:
        names = list(
            Agency.objects.filter(pk__in=list(agency_ids))
            .order_by("code")
            .values_list("name", flat=True)
        )
        return "; ".join(names), province_office
    if unit is not None:
        if unit.level == Level.PROVINCE:
            return f"Ủy ban nhân dân {unit.name}", GOVERNMENT_OFFICE
        return f"Ủy ban nhân dân {unit.name}", province_office
    return (committee.name if committee else "Ủy ban nhân dân tỉnh"), GOVERNMENT_OFFICE
