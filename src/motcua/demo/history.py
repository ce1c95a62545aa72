"""A half-year of dossiers (January–June 2022) whose report has the seed's shape.

The seed (Bình Phước, 6 months of 2022) reports per level: received new, carried over, resolved
(of which late), in progress; 87.07% of dossiers received online; 26,600 online payments of land
obligations worth 165 billion VND; about 20% of results electronic. ``scale`` multiplies every
count (1.0 = the seed's 340,000 dossiers). Rows go through the legacy import's bulk writer.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import numpy as np

from motcua.catalog.models import Procedure, ProcedureStatus
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


SEED = {
    Level.PROVINCE: Shape(204_655, 21_938, 183_636, 8_148, 42_950),
    Level.DISTRICT: Shape(22_249, 5_485, 19_811, 1_698, 7_907),
    Level.COMMUNE: Shape(88_194, 797, 88_478, 919, 513),
}
ONLINE_SHARE = 0.8707
PAYMENTS = 26_600
PAYMENT_TOTAL_VND = 165_000_000_000
ELECTRONIC_RESULT_SHARE = 0.20
VN = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has had no DST since 1975
START = dt.datetime(2022, 1, 1, tzinfo=VN)
END = dt.datetime(2022, 7, 1, tzinfo=VN)
FREQUENT = frozenset(name for name, _ in DEMO_FORMS)
#: the procedures people file most, each this share of its level's dossiers not carried over
#: nor still in progress (at the district, whose in-progress half-year takes most of its
#: dossiers, nearly all of the rest: else they would rank below the communes' everyday ones): the
#: demo's ten most-filed procedures, whose electronic application forms are in the demo catalog
#: (motcua.eforms.demo_forms)
FREQUENT_SHARE = {Level.PROVINCE: 0.04, Level.DISTRICT: 0.3, Level.COMMUNE: 0.04}
PREFIX = "LS22-"  # codes of the generated history: LS22-<level>-<n>


def _agencies_for(level: int) -> list[Agency]:
    kinds = {
        Level.PROVINCE: [AgencyKind.DEPARTMENT, AgencyKind.VERTICAL],
        Level.DISTRICT: [AgencyKind.PEOPLES_COMMITTEE],
        Level.COMMUNE: [AgencyKind.PEOPLES_COMMITTEE],
    }[Level(level)]
    return list(Agency.objects.filter(level=level, kind__in=kinds).order_by("code"))


def history_load(scale: float, seed: int = 2022) -> dict[str, int]:
    """Idempotent: generates nothing when the history is already there."""
    if scale <= 0 or Dossier.objects.filter(code__startswith=PREFIX).exists():
        return {"created": 0}
    rng = random.Random(seed)
    cal = wt.national_calendar()
    tz = dt.timezone(dt.timedelta(seconds=cal.offset))
    rows: list[Row] = []
    counter = 0
    for level, shape in SEED.items():
        procs = list(
            Procedure.objects.filter(level=level, status=ProcedureStatus.PUBLISHED)
            .select_related("agency")
            .order_by("code")
        )
        agencies = _agencies_for(level)
        if not procs or not agencies:
            continue
        n_new = round(shape.new * scale)
        n_carried = round(shape.carried * scale)
        n_resolved = round(shape.resolved * scale)
        n_late = round(shape.late * scale)
        n_progress = round(shape.in_progress * scale)
        total = n_new + n_carried
        n_resolved = min(n_resolved, total)
        n_progress = min(n_progress, total - n_resolved)
        n_withdrawn = total - n_resolved - n_progress

        def working_instant(a: dt.datetime, b: dt.datetime) -> dt.datetime:
            while True:
                t = a + dt.timedelta(seconds=rng.randrange(int((b - a).total_seconds())))
                t = t.replace(tzinfo=tz, microsecond=0)
                local = t.hour * 60 + t.minute
                if cal.is_working_day(t.date()) and (420 <= local < 690 or 810 <= local < 1020):
                    return t

        received = sorted(
            [working_instant(dt.datetime(2021, 12, 17, tzinfo=VN), START) for _ in range(n_carried)]
        ) + sorted([working_instant(START, END) for _ in range(n_new)])
        # carried over: long procedures received in late December (due in January); still in
        # progress at the end of June: the newest, on the longest procedures
        long_procs = [p for p in procs if p.time_limit_days >= 10] or procs
        longest = [p for p in procs if p.time_limit_days >= 20] or long_procs
        # the procedures people file most (those with an electronic application form in the
        # demo: judicial records, civil status, residence, business households) take
        # FREQUENT_SHARE of the level's other dossiers each, the rest share what is left evenly
        frequent = [p for p in procs if p.name in FREQUENT]
        general = [p for p in procs if p.name not in FREQUENT] or procs
        share = FREQUENT_SHARE.get(level, 0.04) * len(frequent)

        chosen: list[Procedure] = []
        for i in range(len(received)):
            if i < n_carried:
                chosen.append(rng.choice(long_procs))
            elif i >= total - 2 * n_progress:
                chosen.append(rng.choice(longest))
            elif frequent and rng.random() < share:
                chosen.append(rng.choice(frequent))
            else:
                chosen.append(rng.choice(general))
        # only procedures offered online can be filed online: the rate among those that can,
        # so that the level's online share stays the seed's whatever the mix
        capable_n = sum(1 for p in chosen if p.online_service != "khong")
        online_rate = min(1.0, ONLINE_SHARE * len(chosen) / capable_n) if capable_n else 0.0
        starts = np.array([int(t.timestamp()) for t in received], dtype=np.int64)
        budgets = np.array(
            [cal.budget_seconds(float(p.time_limit_days)) for p in chosen], dtype=np.int64
        )
        dues = wt.due_batch(cal, starts, budgets).tolist() if len(starts) else []
        end_ts = int(END.replace(tzinfo=tz).timestamp())
        start_ts = int(START.replace(tzinfo=tz).timestamp())
        # still in progress at the end of June: the newest dossiers not yet due (resolved in
        # July); withdrawn/returned: a few new ones; everything else resolved in the period
        # in progress at the end: the newest not yet due (the seed has almost none overdue)
        newest_first = sorted(range(n_carried, total), key=lambda i: -starts[i])
        progress = [i for i in newest_first if dues[i] >= end_ts][:n_progress]
        if len(progress) < n_progress:
            taken = set(progress)
            progress += [i for i in newest_first if i not in taken][: n_progress - len(progress)]
        progress_set = set(progress)
        rest_new = [i for i in range(n_carried, total) if i not in progress_set]
        withdrawn_set = set(rng.sample(rest_new, min(n_withdrawn, len(rest_new))))
        resolvable = [i for i in range(total) if i not in progress_set | withdrawn_set]
        late_pool = [i for i in resolvable if start_ts + 86_400 < dues[i] < end_ts - 5 * 86_400]
        late = set(rng.sample(late_pool, min(n_late, len(late_pool))))
        period_start = START.replace(tzinfo=tz)
        period_end = END.replace(tzinfo=tz)
        for i in range(total):
            counter += 1
            r_at = received[i]
            due = dt.datetime.fromtimestamp(dues[i], tz)
            status, finished = Status.RESOLVED, None
            if i in progress_set:
                finished = max(due, period_end) + dt.timedelta(hours=rng.randint(1, 200))
            elif i in withdrawn_set:
                status = rng.choice((Status.WITHDRAWN, Status.RETURNED))
                finished = min(
                    r_at + dt.timedelta(days=rng.randint(1, 5)), period_end - dt.timedelta(hours=1)
                )
            elif i in late:
                finished = min(
                    due + dt.timedelta(hours=rng.randint(2, 120)),
                    period_end - dt.timedelta(minutes=1),
                )
            else:
                begin = max(r_at, period_start)
                span = max(60.0, (due - begin).total_seconds())
                finished = begin + dt.timedelta(seconds=span * rng.uniform(0.15, 0.98))
                finished = max(r_at, min(finished, due, period_end - dt.timedelta(minutes=1)))
            p = chosen[i]
            agency = p.agency or rng.choice(agencies)
            # only procedures offered online can be filed online: they take the whole share
            online = p.online_service != "khong" and rng.random() < online_rate
            rows.append(
                Row(
                    line=counter,
                    code=f"{PREFIX}{level}-{counter:07d}",
                    procedure=p.code,
                    agency=agency.code,
                    level=level,
                    channel=Channel.ONLINE
                    if online
                    else rng.choice((Channel.COUNTER, Channel.POSTAL)),
                    received=r_at,
                    due=due,
                    status=status,
                    finished=finished,
                    digitized=online or level != Level.COMMUNE or rng.random() < 0.6,
                    electronic=status == Status.RESOLVED and rng.random() < ELECTRONIC_RESULT_SHARE,
                    paid=0,
                )
            )
    payers = [
        r
        for r in rows
        if r.received >= START.replace(tzinfo=r.received.tzinfo)
        and r.level != Level.COMMUNE
        and r.channel == Channel.ONLINE
    ]
    n_pay = min(len(payers), round(PAYMENTS * scale))
    if n_pay:
        average = PAYMENT_TOTAL_VND // PAYMENTS
        # the seed's payments are land obligations: the land procedures' dossiers pay first
        land = set(
            Procedure.objects.filter(field__name__icontains="Đất đai").values_list(
                "code", flat=True
            )
        )
        first = [r for r in payers if r.procedure in land][:n_pay]
        rest = [r for r in payers if r.procedure not in land]
        for r in first + rng.sample(rest, n_pay - len(first)):
            r.paid = int(average * rng.uniform(0.2, 1.8)) // 1000 * 1000
    if not rows:
        return {"created": 0}
    write_rows(rows, source=f"demo history scale {scale}")
    return {"created": len(rows)}
