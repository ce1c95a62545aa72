"""Every change to the counter queue: taking a ticket (kiosk, booking code), and the officer's
call next / recall / serve / skip / transfer / finish. Each runs in one transaction, writes one
``TicketEvent`` and one audit entry, and checks the actor's role at the desk's agency."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.catalog.models import Field, Procedure
from motcua.core.errors import IllegalTransition, NotFound, ValidationFailed
from motcua.counterqueue.models import OPEN, DayCounter, Desk, Ticket, TicketEvent, TicketStatus
from motcua.dossiers.access import require_role
from motcua.units.models import Agency, Role

#: A booking code is accepted at the kiosk from this long before its slot to this long after.
BOOKING_EARLY = dt.timedelta(minutes=30)
BOOKING_LATE = dt.timedelta(minutes=30)
#: A booked ticket jumps the queue from this long before its slot.
PRIORITY_LEAD = dt.timedelta(minutes=5)
#: Officers who may work a desk.
DESK_ROLES = (Role.COUNTER,)


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValidationFailed("Thời điểm thiếu múi giờ", code="naive_datetime")
    return moment


def _event(ticket: Ticket, kind: str, at: dt.datetime, actor: Any, **extra: Any) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        **extra,
    )
    audit_record(
        actor=actor,
        action=f"counterqueue.{kind}",
        object_type="Ticket",
        object_id=ticket.pk,
        after={
            "number": ticket.number,
            "day": ticket.day.isoformat(),
            "status": ticket.status,
            "desk": ticket.desk_id,
            **{k: getattr(v, "pk", v) for k, v in extra.items()},
        },
        label=None if getattr(actor, "pk", None) else "kiosk",
        at=at,
    )


def _next_number(agency: Agency, day: dt.date) -> int:
    """The next number of the day at ``agency``: one conditional UPDATE on the day's counter row.

    On PostgreSQL the UPDATE locks the row until the caller's transaction ends, and a concurrent
    UPDATE re-reads the committed value (READ COMMITTED), so two kiosks never get the same number;
    on SQLite writers are serialised by the database lock. The unique constraint
    (agency, day, number) stays as the last guard."""
    counter, _ = DayCounter.objects.get_or_create(agency=agency, day=day)
    DayCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return DayCounter.objects.values_list("last", flat=True).get(pk=counter.pk)


def kiosk_fields(agency: Agency) -> list[Field]:
    """The fields the agency's active desks serve (every field of its level when a desk serves
    all)."""
    from motcua.counterqueue.selectors import agency_fields

    return agency_fields(agency)


@transaction.atomic
def ticket_take(
    *,
    agency: Agency,
    field: Field | None = None,
    procedure: Procedure | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """A numbered ticket at the kiosk (no login): the field (or the procedure's field)."""
    at = _now(now)
    if not agency.receives_dossiers:
        raise NotFound("Nơi này không tiếp nhận hồ sơ", code="not_found")
    if not Desk.objects.filter(agency=agency, active=True).exists():
        raise IllegalTransition("Nơi tiếp nhận chưa mở quầy nào", code="no_desk")
    if procedure is not None:
        from motcua.counterqueue.selectors import agency_procedures

        offered = agency_procedures(agency, timezone.localtime(at).date())
        if not offered.filter(pk=procedure.pk).exists():
            raise ValidationFailed(
                "Nơi này không tiếp nhận thủ tục đã chọn", code="wrong_procedure"
            )
        if field is not None and procedure.field_id != field.pk:
            raise ValidationFailed("Thủ tục không thuộc lĩnh vực đã chọn", code="wrong_field")
        field = procedure.field
    if field is not None and field not in kiosk_fields(agency):
        raise ValidationFailed("Nơi tiếp nhận không có quầy cho lĩnh vực này", code="wrong_field")
    return _issue(agency, at, field=field, procedure=procedure)


def _issue(agency: Agency, at: dt.datetime, **values: Any) -> Ticket:
    day = timezone.localtime(at).date()
    t = Ticket.objects.create(
        agency=agency, day=day, number=_next_number(agency, day), taken_at=at, **values
    )
    _event(t, TicketEvent.Kind.TAKE, at, None)
    return t


@transaction.atomic
def ticket_take_booking(*, agency: Agency, code: str, now: dt.datetime | None = None) -> Ticket:
    """A priority ticket for a visit booked on the portal, near its slot time; asking again
    gives the same ticket (a reprint), never a second one."""
    from motcua.eservices.models import Booking
    from motcua.eservices.selectors import booking_for_desks

    at = _now(now)
    found = booking_for_desks(code, [agency.pk])
    if found is None:
        raise NotFound("Không tìm thấy lịch hẹn còn hiệu lực với mã này", code="booking_not_found")
    b = Booking.objects.select_for_update().select_related("slot", "procedure").get(pk=found.pk)
    existing = Ticket.objects.filter(booking=b).first()
    if existing is not None:
        return existing
    slot_at = timezone.make_aware(dt.datetime.combine(b.slot.date, b.slot.start))
    if at < slot_at - BOOKING_EARLY:
        raise IllegalTransition(
            f"Lịch hẹn lúc {timezone.localtime(slot_at):%H:%M %d/%m/%Y}; vui lòng lấy số "
            f"trong khoảng {int(BOOKING_EARLY.total_seconds() // 60)} phút trước giờ hẹn",
            code="booking_too_early",
        )
    if at > slot_at + BOOKING_LATE:
        raise IllegalTransition("Đã quá giờ hẹn; vui lòng lấy số thường", code="booking_too_late")
    return _issue(
        agency,
        at,
        field=b.procedure.field,
        procedure=b.procedure,
        booking=b,
        due_at=slot_at,
    )


# ---- the officer's desk -------------------------------------------------------------------------


def _desk_locked(actor: Any, desk: Desk) -> Desk:
    d = Desk.objects.select_for_update().select_related("agency").filter(pk=desk.pk).first()
    if d is None:
        raise NotFound("Không tìm thấy quầy", code="not_found")
    require_role(actor, d.agency, *DESK_ROLES)
    if not d.active:
        raise IllegalTransition("Quầy này đang tạm đóng", code="desk_closed")
    return d


def desk_waiting(desk: Desk, day: dt.date, at: dt.datetime | None = None) -> Any:
    """Tickets this desk may call (its fields; no field: any desk), not yet called."""
    qs = Ticket.objects.filter(agency_id=desk.agency_id, day=day, status=TicketStatus.WAITING)
    if at is not None:
        qs = qs.filter(taken_at__lte=at)
    field_ids = list(desk.fields.values_list("pk", flat=True))
    if field_ids:
        qs = qs.filter(Q(field__isnull=True) | Q(field_id__in=field_ids))
    return qs


def _candidates(desk: Desk, at: dt.datetime) -> list[Ticket]:
    """In order: tickets transferred to this desk, bookings due at their slot, then first come
    first served within the desk's fields."""
    day = timezone.localtime(at).date()
    transferred = Ticket.objects.filter(
        desk=desk, day=day, status=TicketStatus.TRANSFERRED
    ).order_by("called_at", "number")[:5]
    waiting = desk_waiting(desk, day, at)
    due = waiting.filter(due_at__lte=at + PRIORITY_LEAD).order_by("due_at", "number")[:5]
    fifo = waiting.order_by("number")[:10]
    return [*transferred, *due, *fifo]


@transaction.atomic
def call_next(*, actor: Any, desk: Desk, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next ticket to ``desk``. The desk row is locked, and a desk that already holds a
    called ticket gets that one back (a double click calls nobody new); each candidate is taken
    with a conditional UPDATE, so two desks calling at once never get the same ticket."""
    at = _now(now)
    d = _desk_locked(actor, desk)
    held = Ticket.objects.filter(desk=d, status__in=OPEN).first()
    if held is not None:
        return held
    for c in _candidates(d, at):
        first = c.first_called_at or at
        took = Ticket.objects.filter(pk=c.pk, status=c.status).update(
            status=TicketStatus.CALLED,
            desk=d,
            officer=actor,
            called_at=at,
            first_called_at=first,
            announced_at=at,
            calls=F("calls") + 1,
        )
        if took:
            t = Ticket.objects.get(pk=c.pk)
            _event(t, TicketEvent.Kind.CALL, at, actor, desk=d)
            return t
    return None


def _held(actor: Any, desk: Desk, ticket: Ticket, states: tuple[str, ...]) -> tuple[Desk, Ticket]:
    d = _desk_locked(actor, desk)
    t = Ticket.objects.select_for_update().filter(pk=ticket.pk, desk=d).first()
    if t is None:
        raise NotFound("Số thứ tự không ở quầy này", code="not_found")
    if t.status not in states:
        raise IllegalTransition(
            f"Số {t.label} đang ở tình trạng '{t.get_status_display()}'",
            code="illegal_transition",
        )
    return d, t


@transaction.atomic
def ticket_recall(
    *, actor: Any, desk: Desk, ticket: Ticket, now: dt.datetime | None = None
) -> Ticket:
    at = _now(now)
    d, t = _held(actor, desk, ticket, (TicketStatus.CALLED,))
    t.announced_at, t.calls = at, t.calls + 1
    t.save(update_fields=["announced_at", "calls"])
    _event(t, TicketEvent.Kind.RECALL, at, actor, desk=d)
    return t


@transaction.atomic
def ticket_serve(
    *, actor: Any, desk: Desk, ticket: Ticket, now: dt.datetime | None = None
) -> Ticket:
    at = _now(now)
    d, t = _held(actor, desk, ticket, (TicketStatus.CALLED,))
    t.status, t.served_at, t.officer = TicketStatus.SERVING, at, actor
    t.save(update_fields=["status", "served_at", "officer"])
    _event(t, TicketEvent.Kind.SERVE, at, actor, desk=d)
    return t


@transaction.atomic
def ticket_skip(
    *, actor: Any, desk: Desk, ticket: Ticket, now: dt.datetime | None = None
) -> Ticket:
    """The person called did not come: the ticket is closed as skipped."""
    at = _now(now)
    d, t = _held(actor, desk, ticket, (TicketStatus.CALLED,))
    t.status, t.finished_at = TicketStatus.SKIPPED, at
    t.save(update_fields=["status", "finished_at"])
    _event(t, TicketEvent.Kind.SKIP, at, actor, desk=d)
    return t


@transaction.atomic
def ticket_finish(
    *, actor: Any, desk: Desk, ticket: Ticket, now: dt.datetime | None = None
) -> Ticket:
    at = _now(now)
    d, t = _held(actor, desk, ticket, OPEN)
    t.status, t.finished_at, t.officer = TicketStatus.DONE, at, actor
    t.save(update_fields=["status", "finished_at", "officer"])
    _event(t, TicketEvent.Kind.FINISH, at, actor, desk=d)
    return t


@transaction.atomic
def ticket_transfer(
    *, actor: Any, desk: Desk, ticket: Ticket, to_desk: Desk, now: dt.datetime | None = None
) -> Ticket:
    """Send the ticket to another desk of the same agency; that desk calls it first."""
    at = _now(now)
    d, t = _held(actor, desk, ticket, OPEN)
    target = Desk.objects.filter(pk=to_desk.pk).first()
    if target is None or target.agency_id != d.agency_id:
        raise ValidationFailed(
            "Chỉ chuyển được đến quầy khác của cùng nơi tiếp nhận", code="wrong_desk"
        )
    if target.pk == d.pk or not target.active:
        raise ValidationFailed("Quầy nhận chuyển không hợp lệ hoặc đang đóng", code="wrong_desk")
    t.status, t.desk = TicketStatus.TRANSFERRED, target
    t.save(update_fields=["status", "desk"])
    _event(t, TicketEvent.Kind.TRANSFER, at, actor, desk=d, to_desk=target)
    return t
