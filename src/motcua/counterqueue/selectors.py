"""Reads of the counter queue: the kiosk's choices, the calling screen, the officer's desks and
the waiting and serving times per desk and field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.catalog.models import Field, Procedure
from motcua.catalog.selectors import procedures_valid_on
from motcua.counterqueue.models import OPEN, Desk, Ticket, TicketStatus
from motcua.dossiers.access import agency_ids_for
from motcua.units.models import Agency, Level, Role


def _level_filter(agency: Agency) -> Q:
    return {
        Level.PROVINCE: Q(at_province=True),
        Level.DISTRICT: Q(at_district=True),
        Level.COMMUNE: Q(at_commune=True),
    }.get(agency.level, Q(pk__in=[]))


def agency_procedures(agency: Agency, day: dt.date | None = None) -> QuerySet[Procedure]:
    day = day or timezone.localdate()
    return procedures_valid_on(day).filter(_level_filter(agency))


def agency_fields(agency: Agency) -> list[Field]:
    """The fields the agency's active desks serve: the chosen ones, or — when a desk serves every
    field — every field with a procedure in force at the agency's level."""
    desks = list(Desk.objects.filter(agency=agency, active=True).prefetch_related("fields"))
    if not desks:
        return []
    if any(not d.fields.all() for d in desks):
        ids = agency_procedures(agency).values("field_id")
        return list(Field.objects.filter(pk__in=ids).order_by("name")[:200])
    chosen = {f.pk: f for d in desks for f in d.fields.all()}
    return sorted(chosen.values(), key=lambda f: f.name)


def field_procedures(agency: Agency, f: Field) -> list[Procedure]:
    return list(agency_procedures(agency).filter(field=f).order_by("name")[:60])


def kiosk_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(receives_dossiers=True, queue_desks__active=True).distinct()


@dataclass
class Screen:
    latest: Ticket | None
    recent: list[Ticket]
    waiting: int
    stamp: str  # changes whenever a number is (re)announced: the screen plays its chime


def screen(agency: Agency, *, now: dt.datetime | None = None, size: int = 8) -> Screen:
    day = timezone.localtime(now or timezone.now()).date()
    today = Ticket.objects.filter(agency=agency, day=day)
    recent = list(
        today.filter(announced_at__isnull=False)
        .exclude(status=TicketStatus.TRANSFERRED)  # it will be called again at its new desk
        .select_related("desk")
        .order_by("-announced_at", "-pk")[:size]
    )
    latest = recent[0] if recent else None
    stamp = f"{latest.pk}-{latest.calls}" if latest else ""
    waiting = today.filter(status__in=[TicketStatus.WAITING, TicketStatus.TRANSFERRED]).count()
    return Screen(latest, recent, waiting, stamp)


def desks_for_officer(actor: Any) -> list[Desk]:
    ids = agency_ids_for(actor, [Role.COUNTER])
    qs = Desk.objects.filter(active=True, agency__receives_dossiers=True)
    if ids is not None:
        qs = qs.filter(agency_id__in=ids)
    return list(qs.select_related("agency").order_by("agency__name", "number")[:300])


def desk_current(desk: Desk) -> Ticket | None:
    return (
        Ticket.objects.filter(desk=desk, status__in=OPEN)
        .select_related("field", "procedure", "booking")
        .first()
    )


def desk_queue(desk: Desk, *, now: dt.datetime | None = None, size: int = 15) -> list[Ticket]:
    from motcua.counterqueue.services import desk_waiting

    day = timezone.localtime(now or timezone.now()).date()
    transferred = Ticket.objects.filter(desk=desk, day=day, status=TicketStatus.TRANSFERRED)
    return [
        *transferred.select_related("field"),
        *desk_waiting(desk, day).select_related("field").order_by("number")[:size],
    ]


# ---- statistics ---------------------------------------------------------------------------------


@dataclass
class Row:
    agency: str
    desk: str
    field: str
    tickets: int = 0
    served: int = 0
    skipped: int = 0
    waits: list[float] = field(default_factory=list)  # minutes
    serves: list[float] = field(default_factory=list)

    @staticmethod
    def _avg(xs: list[float]) -> float | None:
        return round(sum(xs) / len(xs), 1) if xs else None

    @property
    def wait_avg(self) -> float | None:
        return self._avg(self.waits)

    @property
    def wait_max(self) -> float | None:
        return round(max(self.waits), 1) if self.waits else None

    @property
    def serve_avg(self) -> float | None:
        return self._avg(self.serves)

    @property
    def serve_max(self) -> float | None:
        return round(max(self.serves), 1) if self.serves else None


def _minutes(a: dt.datetime | None, b: dt.datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return max(0.0, (b - a).total_seconds() / 60)


def queue_stats(
    *, agency_ids: list[int] | None, first: dt.date, last: dt.date
) -> tuple[list[Row], Row]:
    """Waiting time (taken → first called) and serving time (called → finished) in minutes, per
    agency, desk (the desk that last held the ticket) and field, for the tickets of the days
    ``first``..``last``; plus the total. Tickets never called count as tickets only."""
    qs = Ticket.objects.filter(day__gte=first, day__lte=last)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    qs = qs.select_related("agency", "desk", "field").order_by(
        "agency__name", "desk__number", "field__name"
    )
    rows: dict[tuple[Any, ...], Row] = {}
    total = Row("Tổng cộng", "", "")
    for t in qs.iterator(chunk_size=2000):
        desk = str(t.desk) if t.desk else "Chưa gọi"
        key = (t.agency_id, t.desk.number if t.desk else 0, t.field_id or 0)
        r = rows.get(key)
        if r is None:
            r = rows[key] = Row(
                t.agency.short_name or t.agency.name, desk, t.field.name if t.field else "Chung"
            )
        for target in (r, total):
            target.tickets += 1
            if t.status == TicketStatus.DONE:
                target.served += 1
                s = _minutes(t.called_at, t.finished_at)
                if s is not None:
                    target.serves.append(s)
            if t.status == TicketStatus.SKIPPED:
                target.skipped += 1
            w = _minutes(t.taken_at, t.first_called_at)
            if w is not None:
                target.waits.append(w)
    ordered = sorted(rows.items(), key=lambda kv: (kv[1].agency, kv[0][1], kv[1].field))
    return [r for _, r in ordered], total
