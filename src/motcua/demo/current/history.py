"""The two-level demo's history: dossiers received at the province and at the communes from
1 July 2025 up to yesterday, through the legacy import's bulk writer (as the 2022 demo's history
does). ``scale`` 1.0 is about 200,000 dossiers over the period; the default 0.02 about 4,000."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
from django.utils import timezone

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.dossiers.legacy import Row, write_rows
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.units.models import Agency, AgencyKind, Level
from motcua.units.services import REFORM_DATE
from motcua.worktime import core as wt

PREFIX = "LS25-"  # codes of the generated history: LS25-<level>-<n>
FULL = 200_000
#: the share of each level (the province's centre receives most land and business dossiers)
LEVEL_SHARE = {Level.PROVINCE: 0.55, Level.COMMUNE: 0.45}
ONLINE_SHARE = 0.85
LATE_SHARE = 0.03
WITHDRAWN_SHARE = 0.01


def history_current_load(scale: float, seed: int, group: str, today: dt.date) -> dict[str, int]:
    """Idempotent: generates nothing when the history is already there."""
    if scale <= 0 or Dossier.objects.filter(code__startswith=PREFIX).exists():
        return {"created": 0}
    rng = random.Random(seed)
    cal = wt.national_calendar()
    tz = dt.timezone(dt.timedelta(seconds=cal.offset))
    start = dt.datetime.combine(REFORM_DATE, dt.time(7), tzinfo=tz)
    end = dt.datetime.combine(today, dt.time(7), tzinfo=tz)
    now_ts = int(timezone.now().timestamp())
    if end <= start:
        return {"created": 0}
    rows: list[Row] = []
    counter = 0
    for level, share in LEVEL_SHARE.items():
        procs = list(
            Procedure.objects.filter(
                level=level, status=ProcedureStatus.PUBLISHED, valid_to__isnull=True
            )
            .select_related("agency")
            .order_by("code")
        )
        kinds = (
            [AgencyKind.DEPARTMENT, AgencyKind.VERTICAL]
            if level == Level.PROVINCE
            else [AgencyKind.PEOPLES_COMMITTEE]
        )
        agencies = list(
            Agency.objects.filter(
                level=level, kind__in=kinds, code__endswith=f".{group}", valid_to__isnull=True
            ).order_by("code")
        )
        if not procs or not agencies:
            continue
        n = round(FULL * scale * share)
        span = int((end - start).total_seconds())
        received: list[dt.datetime] = []
        while len(received) < n:
            t = (start + dt.timedelta(seconds=rng.randrange(span))).replace(microsecond=0)
            minute = t.hour * 60 + t.minute
            if cal.is_working_day(t.date()) and (420 <= minute < 690 or 810 <= minute < 1020):
                received.append(t)
        received.sort()
        chosen = [rng.choice(procs) for _ in received]
        starts = np.array([int(t.timestamp()) for t in received], dtype=np.int64)
        budgets = np.array(
            [cal.budget_seconds(float(p.time_limit_days)) for p in chosen], dtype=np.int64
        )
        dues = wt.due_batch(cal, starts, budgets).tolist()
        for i, r_at in enumerate(received):
            counter += 1
            p = chosen[i]
            due = dt.datetime.fromtimestamp(dues[i], tz)
            status, finished = Status.RESOLVED, None
            roll = rng.random()
            if roll < WITHDRAWN_SHARE:
                status = rng.choice((Status.WITHDRAWN, Status.RETURNED))
                finished = r_at + dt.timedelta(days=rng.randint(1, 5))
            elif roll < WITHDRAWN_SHARE + LATE_SHARE:
                finished = due + dt.timedelta(hours=rng.randint(2, 120))
            else:
                span_s = max(60.0, (due - r_at).total_seconds())
                finished = r_at + dt.timedelta(seconds=span_s * rng.uniform(0.15, 0.98))
            if finished is not None and int(finished.timestamp()) >= now_ts - 3600:
                status, finished = Status.IN_PROGRESS, None  # not finished yet: still open
            online = p.online_service != "khong" and rng.random() < ONLINE_SHARE
            agency = p.agency if p.agency_id else rng.choice(agencies)
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
                    digitized=online or rng.random() < 0.8,
                    electronic=status == Status.RESOLVED and rng.random() < 0.3,
                    paid=0,
                )
            )
    if not rows:
        return {"created": 0}
    write_rows(rows, source=f"demo history 2025 scale {scale}")
    return {"created": len(rows)}
