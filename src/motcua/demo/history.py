"""A half-year of dossiers (January–June 2022) whose report is the seed's.

The seed (Bình Phước, 6 months of 2022, sections 2 and 6) reports per level: received new,
carried over, resolved (of which late), in progress (at the province, of which one overdue);
87.07% of the dossiers received online; more than 26,600 online payments of land obligations
worth more than 165 billion VND; about 20% of results electronic. At ``scale`` 1.0 the
generated rows reproduce each of these counts exactly (``motcua report --from 2022-01-01 --to
2022-06-30``); a smaller ``scale`` multiplies every count (rounded), keeping the proportions.

The seed's identities leave 7 provincial and 16 district dossiers neither resolved nor in
progress: they are withdrawn or returned. Rows go through the legacy import's bulk writer.

Who is what (deterministic for a seed):

* carried over: received in the last days of December on procedures of ten days or more,
  each due in January or later (so none ends before the period);
* in progress at the end of June: the newest dossiers, on procedures long enough that they
  are within time on 30 June (the catalog keeps such limits, ``catalog_gen.LONG_LIMITS``);
  the seed's overdue ones: the newest dossiers already due by then;
* withdrawn or returned: a few new dossiers, ended within days;
* resolved late: drawn among the others due inside the period; the rest resolved on time.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

import numpy as np

from motcua.catalog.models import OnlineService, Procedure, ProcedureStatus
from motcua.core.text import fold
from motcua.dossiers.legacy import Row, write_rows
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.eforms.demo_forms import DEMO_FORMS
from motcua.units.models import Agency, AgencyKind, Level
from motcua.worktime import core as wt


@dataclass(frozen=True)
class Shape:
    new: int
    carried: int
    resolved: int
    late: int
    in_progress: int
    overdue: int = 0  # of the in-progress, already past due at the end of the period


#: the seed's section 2 ("Kết quả giải quyết hồ sơ TTHC tại các cấp chính quyền ở địa phương")
SEED = {
    Level.PROVINCE: Shape(204_655, 21_938, 183_636, 8_148, 42_950, overdue=1),
    Level.DISTRICT: Shape(22_249, 5_485, 19_811, 1_698, 7_907),
    Level.COMMUNE: Shape(88_194, 797, 88_478, 919, 513),
}
#: the seed's section 6: dossiers received online, land-fee payments ("hơn 26.600 giao dịch
#: thành công với tổng số tiền thanh toán hơn 165 tỷ đồng"): a little more than each
ONLINE_SHARE = 0.8707
PAYMENTS = 26_600
PAYMENT_TOTAL_VND = 165_000_000_000
PAYMENT_MARGIN = 0.001  # "hơn": 0.1% more than the seed's round figures
ELECTRONIC_RESULT_SHARE = 0.20
VN = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has had no DST since 1975
START = dt.datetime(2022, 1, 1, tzinfo=VN)
END = dt.datetime(2022, 7, 1, tzinfo=VN)
CARRIED_FROM = dt.date(2021, 12, 20)  # carried-over dossiers: received from here to 31/12
FREQUENT = frozenset(name for name, _ in DEMO_FORMS)
#: the procedures people file most, each this share of its level's dossiers not carried over
#: nor still in progress (at the district, whose in-progress half-year takes most of its
#: dossiers, nearly all of the rest: else they would rank below the communes' everyday ones): the
#: demo's ten most-filed procedures, whose electronic application forms are in the demo catalog
#: (motcua.eforms.demo_forms)
FREQUENT_SHARE = {Level.PROVINCE: 0.04, Level.DISTRICT: 0.3, Level.COMMUNE: 0.04}
#: the land procedures' share of the province's other dossiers (land registration is most of a
#: provincial centre's work; the seed's 26,600 online land payments need as many online ones)
LAND_SHARE = {Level.PROVINCE: 0.25}
PREFIX = "LS22-"  # codes of the generated history: LS22-<level>-<n>
DAY = 86_400
WORK_SECONDS = (4 * 3600 + 1800, 3 * 3600 + 1800)  # 07:00–11:30, 13:30–17:00


def _agencies_for(level: int) -> list[Agency]:
    kinds = {
        Level.PROVINCE: [AgencyKind.DEPARTMENT, AgencyKind.VERTICAL],
        Level.DISTRICT: [AgencyKind.PEOPLES_COMMITTEE],
        Level.COMMUNE: [AgencyKind.PEOPLES_COMMITTEE],
    }[Level(level)]
    return list(Agency.objects.filter(level=level, kind__in=kinds).order_by("code"))


def _is_land(p: Procedure) -> bool:
    return fold(p.field.name).startswith("dat dai")


@dataclass(frozen=True)
class Counts:
    """A level's counts at a scale: every figure of the seed multiplied and rounded; withdrawn
    and returned close the identity received = resolved + withdrawn/returned + in progress."""

    new: int
    carried: int
    resolved: int
    late: int
    in_progress: int
    overdue: int
    withdrawn: int

    @classmethod
    def of(cls, shape: Shape, scale: float) -> Counts:
        new, carried = round(shape.new * scale), round(shape.carried * scale)
        total = new + carried
        resolved = min(round(shape.resolved * scale), total)
        progress = min(round(shape.in_progress * scale), total - resolved)
        return cls(
            new=new,
            carried=carried,
            resolved=resolved,
            late=min(round(shape.late * scale), resolved),
            in_progress=progress,
            overdue=min(round(shape.overdue * scale), progress),
            withdrawn=total - resolved - progress,
        )


class _Clock:
    """Working instants of the demo calendar (07:00–11:30, 13:30–17:00 on working days)."""

    def __init__(self, cal: wt.Calendar, tz: dt.tzinfo) -> None:
        self.cal, self.tz = cal, tz

    def instants(self, first: dt.date, stop: dt.date, n: int, gen: np.random.Generator) -> list:
        days = [
            first + dt.timedelta(days=k)
            for k in range((stop - first).days)
            if self.cal.is_working_day(first + dt.timedelta(days=k))
        ]
        seven = np.array(
            [int(dt.datetime.combine(d, dt.time(7), self.tz).timestamp()) for d in days],
            dtype=np.int64,
        )
        s = gen.integers(0, sum(WORK_SECONDS), n)
        ts = seven[gen.integers(0, len(days), n)] + s + np.where(s >= WORK_SECONDS[0], 7200, 0)
        return sorted(ts.tolist())


def _level_rows(
    level: int,
    c: Counts,
    procs: list[Procedure],
    agencies: list[Agency],
    clock: _Clock,
    rng: random.Random,
    gen: np.random.Generator,
) -> list[Row]:
    cal, tz = clock.cal, clock.tz
    start_ts, end_ts = int(START.timestamp()), int(END.timestamp())
    total = c.new + c.carried
    received = clock.instants(CARRIED_FROM, START.date(), c.carried, gen) + clock.instants(
        START.date(), END.date(), c.new, gen
    )
    budget = {p.pk: cal.budget_seconds(float(p.time_limit_days)) for p in procs}
    by_limit = sorted(procs, key=lambda p: (-p.time_limit_days, p.code))
    long_procs = [p for p in procs if p.time_limit_days >= 10] or procs
    frequent = [p for p in procs if p.name in FREQUENT]
    land = [p for p in procs if _is_land(p) and p.name not in FREQUENT]
    general = [p for p in procs if p.name not in FREQUENT] or procs
    share = FREQUENT_SHARE.get(Level(level), 0.04) * len(frequent)
    land_share = LAND_SHARE.get(Level(level), 0.0) if land else 0.0
    # in progress within time: the newest dossiers (the overdue ones come from the others)
    on_time_progress = c.in_progress - c.overdue
    first_progress = total - on_time_progress

    limits = np.array([budget[p.pk] for p in by_limit], dtype=np.int64)

    def fits(i: int, floor: int) -> list[Procedure]:
        """The procedures (longest first) under which dossier ``i`` is due at ``floor`` or
        later."""
        d = wt.due_batch(cal, np.full(len(by_limit), received[i], dtype=np.int64), limits)
        return [p for p, ok in zip(by_limit, d >= floor, strict=True) if ok]

    chosen: list[Procedure] = []
    for i in range(total):
        if i < c.carried:
            chosen.append(rng.choice(long_procs))
        elif i >= first_progress:
            chosen.append(rng.choice(by_limit[: max(1, len(by_limit) // 10)]))
        else:
            x = rng.random()
            if frequent and x < share:
                chosen.append(rng.choice(frequent))
            elif x < share + land_share:
                chosen.append(rng.choice(land))
            else:
                chosen.append(rng.choice(general))
    starts = np.array(received, dtype=np.int64)
    dues = wt.due_batch(cal, starts, np.array([budget[p.pk] for p in chosen])).tolist()
    # carried over: due in the period (none ends before it); in progress: due after it
    for i in list(range(c.carried)) + list(range(first_progress, total)):
        floor = start_ts + DAY if i < c.carried else end_ts
        if dues[i] >= floor:
            continue
        ok = fits(i, floor)
        if not ok:
            raise ValueError(f"demo history: no procedure long enough at level {level}")
        chosen[i] = rng.choice(ok[: max(1, len(ok) // 2)])
        dues[i] = int(wt.due_batch(cal, starts[i : i + 1], np.array([budget[chosen[i].pk]]))[0])
    # the overdue in progress: the newest of the others already due at the end
    overdue = [i for i in range(first_progress - 1, c.carried - 1, -1) if dues[i] < end_ts]
    progress = set(range(first_progress, total)) | set(overdue[: c.overdue])
    if len(progress) != c.in_progress:
        raise ValueError(f"demo history: {c.in_progress} in progress wanted at level {level}")
    rest_new = [i for i in range(c.carried, total) if i not in progress]
    withdrawn = set(rng.sample(rest_new, min(c.withdrawn, len(rest_new))))
    late_pool = [
        i
        for i in range(total)
        if i not in progress and i not in withdrawn and start_ts + DAY < dues[i] < end_ts - 5 * DAY
    ]
    late = set(rng.sample(late_pool, min(c.late, len(late_pool))))
    # received online: exactly the seed's share of the new dossiers, all on procedures
    # offered online (only those can be filed online)
    capable = [i for i in range(c.carried, total) if chosen[i].online_service != OnlineService.NONE]
    online = set(rng.sample(capable, min(round(ONLINE_SHARE * c.new), len(capable))))
    online.update(
        i
        for i in range(c.carried)
        if chosen[i].online_service != OnlineService.NONE and rng.random() < ONLINE_SHARE
    )

    rows: list[Row] = []
    for i in range(total):
        r_at = dt.datetime.fromtimestamp(received[i], tz)
        due = dt.datetime.fromtimestamp(dues[i], tz)
        status = Status.RESOLVED
        if i in progress:  # resolved in July: on time, unless already overdue at the end
            lo = end_ts + 3600
            hi = dues[i] if dues[i] > lo else max(dues[i], end_ts) + 200 * 3600
            finished = dt.datetime.fromtimestamp(rng.randint(lo, hi), tz)
        elif i in withdrawn:
            status = rng.choice((Status.WITHDRAWN, Status.RETURNED))
            finished = min(r_at + dt.timedelta(days=rng.randint(1, 5)), END - dt.timedelta(hours=1))
        elif i in late:
            at = min(dues[i] + rng.randint(2 * 3600, 120 * 3600), end_ts - 60)
            finished = dt.datetime.fromtimestamp(at, tz)
        else:  # on time, within the period
            begin = max(received[i], start_ts)
            stop = min(dues[i], end_ts - 60)
            at = begin + int(max(60, stop - begin) * rng.uniform(0.15, 0.98))
            finished = dt.datetime.fromtimestamp(max(begin, min(at, stop)), tz)
        p = chosen[i]
        is_online = i in online
        rows.append(
            Row(
                line=0,
                code="",
                procedure=p.code,
                agency=(p.agency or rng.choice(agencies)).code,
                level=level,
                channel=Channel.ONLINE
                if is_online
                else rng.choice((Channel.COUNTER, Channel.POSTAL)),
                received=r_at,
                due=due,
                status=status,
                finished=finished,
                digitized=is_online or level != Level.COMMUNE or rng.random() < 0.6,
                electronic=status == Status.RESOLVED and rng.random() < ELECTRONIC_RESULT_SHARE,
                paid=0,
            )
        )
    return rows


def _payments(rows: list[Row], land: set[str], scale: float, rng: random.Random) -> None:
    """A little more than the seed's land payments, and of its total: new dossiers received
    online at the province and the districts, on land procedures."""
    payers = [
        r
        for r in rows
        if r.received >= START
        and r.level != Level.COMMUNE
        and r.channel == Channel.ONLINE
        and r.procedure in land
    ]
    n = min(len(payers), math.floor(PAYMENTS * scale * (1 + PAYMENT_MARGIN)) + 1)
    if not n:
        return
    total = math.ceil(PAYMENT_TOTAL_VND * scale * (1 + PAYMENT_MARGIN) / 1000) * 1000
    chosen = rng.sample(payers, n)
    weights = [rng.uniform(0.2, 1.8) for _ in chosen]
    unit = total / sum(weights)
    amounts = [max(1000, int(w * unit) // 1000 * 1000) for w in weights]
    amounts[-1] += total - sum(amounts)  # the total exactly (the last absorbs the rounding)
    for r, amount in zip(chosen, amounts, strict=True):
        r.paid = amount


def history_load(scale: float, seed: int = 2022) -> dict[str, int]:
    """Idempotent: generates nothing when the history is already there."""
    if scale <= 0 or Dossier.objects.filter(code__startswith=PREFIX).exists():
        return {"created": 0}
    rng = random.Random(seed)
    gen = np.random.default_rng(seed)
    cal = wt.national_calendar()
    clock = _Clock(cal, dt.timezone(dt.timedelta(seconds=cal.offset)))
    rows: list[Row] = []
    land: set[str] = set()
    for level, shape in SEED.items():
        procs = list(
            Procedure.objects.filter(level=level, status=ProcedureStatus.PUBLISHED)
            .select_related("agency", "field")
            .order_by("code")
        )
        agencies = _agencies_for(level)
        if not procs or not agencies:
            continue
        land.update(p.code for p in procs if _is_land(p))
        rows += _level_rows(level, Counts.of(shape, scale), procs, agencies, clock, rng, gen)
    if not rows:
        return {"created": 0}
    _payments(rows, land, scale, rng)
    for n, r in enumerate(rows, start=1):
        r.line, r.code = n, f"{PREFIX}{r.level}-{n:07d}"
    write_rows(rows, source=f"demo history scale {scale}")
    return {"created": len(rows)}
