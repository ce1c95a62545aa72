"""The queue's rules: numbers per agency and day, who is called next (transfers, bookings due at
their slot, then first come first served within the desk's fields), a double click calls nobody
new, every action attributable, and another agency's officer or desk is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.audit.models import AuditEntry
from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.counterqueue import services as svc
from motcua.counterqueue.models import Ticket, TicketEvent, TicketStatus
from tests.counterqueue.conftest import Q, booking, local

DAY = dt.date(2026, 3, 2)  # a Monday


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    return local(day, hhmm)


def test_numbers_count_per_agency_and_day(q: Q) -> None:
    w = q.w
    nums = [
        svc.ticket_take(agency=w.center, field=q.notary, now=at(f"08:0{i}")).number
        for i in range(3)
    ]
    assert nums == [1, 2, 3]
    assert svc.ticket_take(agency=w.commune_desk, now=at("08:05")).number == 1
    nxt = svc.ticket_take(agency=w.center, now=at("08:00", DAY + dt.timedelta(days=1)))
    assert (nxt.number, nxt.day) == (1, DAY + dt.timedelta(days=1))
    t = Ticket.objects.get(agency=w.center, day=DAY, number=2)
    assert t.status == TicketStatus.WAITING and t.label == "0002"
    assert t.events.get().kind == TicketEvent.Kind.TAKE
    assert AuditEntry.objects.filter(action="counterqueue.take", object_id=str(t.pk)).exists()


def test_take_refuses_a_field_without_desk_and_a_mismatched_procedure(q: Q) -> None:
    from motcua.catalog.models import Field

    other = Field.objects.create(code="G01-XX01", name="Đất đai")
    with pytest.raises(DomainError) as exc:
        svc.ticket_take(agency=q.w.center, field=other, now=at("08:00"))
    assert exc.value.code == "wrong_field"
    with pytest.raises(DomainError) as exc:
        svc.ticket_take(agency=q.w.center, field=q.civil, procedure=q.w.simple, now=at("08:00"))
    assert exc.value.code == "wrong_field"
    with pytest.raises(DomainError) as exc:  # a commune-level procedure at the province
        svc.ticket_take(agency=q.w.center, procedure=q.w.inter, now=at("08:00"))
    assert exc.value.code == "wrong_procedure"
    with pytest.raises(NotFound):
        svc.ticket_take(agency=q.w.justice, now=at("08:00"))  # receives no dossiers
    assert Ticket.objects.count() == 0
    t = svc.ticket_take(agency=q.w.center, procedure=q.civil_proc, now=at("08:00"))
    assert t.field == q.civil


def test_call_next_order_and_fields(q: Q, citizen: Any) -> None:
    w, officer = q.w, q.w.users["counter"]
    a = svc.ticket_take(agency=w.center, field=q.notary, now=at("08:00"))
    c = svc.ticket_take(agency=w.center, field=q.civil, now=at("08:01"))
    b = svc.ticket_take(agency=w.center, field=q.notary, now=at("08:02"))
    booked = svc.ticket_take_booking(
        agency=w.center, code=booking(q, citizen, DAY, "09:00").code, now=at("08:40")
    )
    assert booked.due_at == at("09:00") and booked.priority and booked.number == 4
    # before its slot the booking waits like anyone else: FIFO within the desk's fields
    assert svc.call_next(actor=officer, desk=q.d3, now=at("08:45")) == c  # civil status only
    assert svc.call_next(actor=officer, desk=q.d2, now=at("08:46")) == a
    svc.ticket_finish(actor=officer, desk=q.d2, ticket=a, now=at("08:56"))
    # at its slot (5 minutes ahead) the booking goes first
    assert svc.call_next(actor=officer, desk=q.d2, now=at("08:57")) == booked
    svc.ticket_finish(actor=officer, desk=q.d2, ticket=booked, now=at("09:10"))
    assert svc.call_next(actor=officer, desk=q.d2, now=at("09:11")) == b
    svc.ticket_finish(actor=officer, desk=q.d3, ticket=c, now=at("09:12"))
    assert svc.call_next(actor=officer, desk=q.d3, now=at("09:13")) is None  # no civil left


def test_transferred_ticket_goes_first_at_its_new_desk(q: Q) -> None:
    w, officer = q.w, q.w.users["counter"]
    a = svc.ticket_take(agency=w.center, field=q.notary, now=at("08:00"))
    b = svc.ticket_take(agency=w.center, field=q.notary, now=at("08:01"))
    svc.call_next(actor=officer, desk=q.d2, now=at("08:05"))
    t = svc.ticket_transfer(actor=officer, desk=q.d2, ticket=a, to_desk=q.d1, now=at("08:07"))
    assert t.status == TicketStatus.TRANSFERRED and t.desk == q.d1
    assert svc.call_next(actor=officer, desk=q.d2, now=at("08:08")) == b
    again = svc.call_next(actor=officer, desk=q.d1, now=at("08:09"))
    assert again == a and again.calls == 2
    assert again.first_called_at == at("08:05") and again.called_at == at("08:09")
    ev = TicketEvent.objects.get(ticket=a, kind="transfer")
    assert (ev.desk, ev.to_desk, ev.actor) == (q.d2, q.d1, officer)


def test_double_click_calls_nobody_new(q: Q) -> None:
    w, officer = q.w, q.w.users["counter"]
    a = svc.ticket_take(agency=w.center, now=at("08:00"))
    svc.ticket_take(agency=w.center, now=at("08:01"))
    first = svc.call_next(actor=officer, desk=q.d1, now=at("08:02"))
    second = svc.call_next(actor=officer, desk=q.d1, now=at("08:02"))
    assert first == second == a
    assert TicketEvent.objects.filter(kind="call").count() == 1
    assert Ticket.objects.filter(status=TicketStatus.WAITING).count() == 1
    # two desks never hold the same ticket
    other = svc.call_next(actor=officer, desk=q.d2, now=at("08:03"))
    assert other is not None and other != a


def test_recall_serve_skip_finish(q: Q) -> None:
    w, officer = q.w, q.w.users["counter"]
    a = svc.ticket_take(agency=w.center, now=at("08:00"))
    b = svc.ticket_take(agency=w.center, now=at("08:01"))
    svc.call_next(actor=officer, desk=q.d1, now=at("08:02"))
    r = svc.ticket_recall(actor=officer, desk=q.d1, ticket=a, now=at("08:04"))
    assert r.calls == 2 and r.announced_at == at("08:04")
    svc.ticket_skip(actor=officer, desk=q.d1, ticket=a, now=at("08:06"))
    with pytest.raises(DomainError) as exc:
        svc.ticket_recall(actor=officer, desk=q.d1, ticket=a, now=at("08:07"))
    assert exc.value.code == "illegal_transition"
    assert svc.call_next(actor=officer, desk=q.d1, now=at("08:07")) == b
    s = svc.ticket_serve(actor=officer, desk=q.d1, ticket=b, now=at("08:08"))
    assert s.status == TicketStatus.SERVING
    with pytest.raises(DomainError):
        svc.ticket_skip(actor=officer, desk=q.d1, ticket=b, now=at("08:09"))  # already served
    f = svc.ticket_finish(actor=officer, desk=q.d1, ticket=b, now=at("08:20"))
    assert f.status == TicketStatus.DONE and f.finished_at == at("08:20")
    kinds = list(TicketEvent.objects.filter(ticket=b).values_list("kind", "actor__username"))
    assert kinds == [
        ("take", None),
        ("call", "motcua_tinh"),
        ("serve", "motcua_tinh"),
        ("finish", "motcua_tinh"),
    ]
    assert AuditEntry.objects.filter(action="counterqueue.skip", actor=officer).count() == 1


def test_other_agency_cannot_call_or_receive_a_transfer(q: Q) -> None:
    w = q.w
    a = svc.ticket_take(agency=w.center, now=at("08:00"))
    for who in ("commune_counter", "specialist", "outsider"):
        with pytest.raises(PermissionDenied):
            svc.call_next(actor=w.users[who], desk=q.d1, now=at("08:01"))
    assert Ticket.objects.get(pk=a.pk).status == TicketStatus.WAITING
    officer = w.users["counter"]
    svc.call_next(actor=officer, desk=q.d1, now=at("08:02"))
    with pytest.raises(PermissionDenied):
        svc.ticket_transfer(
            actor=w.users["commune_counter"], desk=q.d1, ticket=a, to_desk=q.commune
        )
    with pytest.raises(DomainError) as exc:
        svc.ticket_transfer(actor=officer, desk=q.d1, ticket=a, to_desk=q.commune)
    assert exc.value.code == "wrong_desk"
    # the commune's officer cannot act on the center's ticket from their own desk either
    with pytest.raises(NotFound):
        svc.ticket_finish(actor=w.users["commune_counter"], desk=q.commune, ticket=a)
    t = Ticket.objects.get(pk=a.pk)
    assert (t.status, t.desk) == (TicketStatus.CALLED, q.d1)
    assert not TicketEvent.objects.filter(kind="transfer").exists()


def test_booking_code_at_the_kiosk(q: Q, citizen: Any) -> None:
    w = q.w
    b = booking(q, citizen, DAY, "09:00")
    with pytest.raises(DomainError) as exc:
        svc.ticket_take_booking(agency=w.center, code=b.code, now=at("08:15"))
    assert exc.value.code == "booking_too_early"
    with pytest.raises(DomainError) as exc:
        svc.ticket_take_booking(agency=w.center, code=b.code, now=at("09:45"))
    assert exc.value.code == "booking_too_late"
    with pytest.raises(NotFound):
        svc.ticket_take_booking(agency=w.commune_desk, code=b.code, now=at("08:50"))
    t = svc.ticket_take_booking(agency=w.center, code=b.code.lower(), now=at("08:50"))
    assert t.booking == b and t.procedure == w.simple and t.field == q.notary
    again = svc.ticket_take_booking(agency=w.center, code=b.code, now=at("08:55"))
    assert again == t and Ticket.objects.count() == 1
