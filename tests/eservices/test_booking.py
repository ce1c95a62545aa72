"""Counter-visit booking: slots from a weekly template, booking with a short code, capacity
(also under concurrency, on PostgreSQL), cancel, and the desk's intake page prefilled from it."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier, Status
from motcua.eservices import services as svc
from motcua.eservices.models import Booking, Slot, SlotTemplate
from tests.backoffice.test_counter_guidance import intake_post
from tests.eservices.conftest import World, future
from tests.factories import CitizenFactory


def _slot(w: World, capacity: int = 1, days: int = 3) -> Slot:
    return Slot.objects.create(
        desk=w.center, date=future(days), start=dt.time(8, 0), capacity=capacity
    )


def test_week_generated_from_template_on_working_days(world: World) -> None:
    for weekday in range(7):
        SlotTemplate.objects.create(
            desk=world.center, weekday=weekday, start=dt.time(7, 30), capacity=4
        )
    out = StringIO()
    call_command(
        "booking_slots", "--desk", world.center.code, "--week-of", "2026-12-02", stdout=out
    )
    days = sorted(Slot.objects.values_list("date", flat=True))
    assert days == [dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(5)]  # Mon–Fri
    assert "Đã tạo 5 khung giờ" in out.getvalue()
    # again: nothing doubled
    call_command(
        "booking_slots", "--desk", world.center.code, "--week-of", "2026-12-02", stdout=out
    )
    assert Slot.objects.count() == 5
    with pytest.raises(Exception, match="not_a_desk"):
        call_command("booking_slots", "--desk", "khong-co", stdout=out)


def test_book_capacity_cancel(world: World, client_of: Client, other_client: Client) -> None:
    w = world
    slot = _slot(w, capacity=1)
    page = client_of.get(
        reverse("eservices:booking") + f"?procedure={w.simple.pk}&desk={w.center.pk}"
    ).content.decode()
    assert "còn 1 chỗ" in page
    r = client_of.post(
        reverse("eservices:booking") + f"?procedure={w.simple.pk}",
        {"procedure": w.simple.pk, "slot": slot.pk},
    )
    assert r.status_code == 302
    b = Booking.objects.get()
    assert len(b.code) == 8 and b.code.isalnum()
    slot.refresh_from_db()
    assert slot.booked == 1
    assert b.code in client_of.get(reverse("eservices:booking")).content.decode()
    # full: the other citizen is told so
    r = other_client.post(reverse("eservices:booking"), {"procedure": w.simple.pk, "slot": slot.pk})
    assert r.status_code == 400 and "đã hết chỗ" in r.content.decode()
    # nobody cancels another's booking
    r = other_client.post(reverse("eservices:booking_cancel", args=[b.pk]))
    assert r.status_code == 404
    assert client_of.post(reverse("eservices:booking_cancel", args=[b.pk])).status_code == 302
    b.refresh_from_db()
    slot.refresh_from_db()
    assert b.state == "cancelled" and slot.booked == 0
    r = other_client.post(reverse("eservices:booking"), {"procedure": w.simple.pk, "slot": slot.pk})
    assert r.status_code == 302


def test_booking_refusals(world: World, citizen: Any) -> None:
    w = world
    slot = _slot(w, capacity=5)
    svc.booking_create(account=citizen.user, slot=slot, procedure=w.simple)
    with pytest.raises(DomainError) as exc:
        svc.booking_create(account=citizen.user, slot=slot, procedure=w.simple)
    assert exc.value.code == "already_booked"
    commune = Slot.objects.create(
        desk=w.commune_desk, date=future(), start=dt.time(9, 0), capacity=3
    )
    with pytest.raises(DomainError) as exc:
        svc.booking_create(account=citizen.user, slot=commune, procedure=w.simple)
    assert exc.value.code == "wrong_desk"
    past = Slot.objects.create(desk=w.center, date=future(-1), start=dt.time(9, 0), capacity=3)
    with pytest.raises(DomainError) as exc:
        svc.booking_create(account=citizen.user, slot=past, procedure=w.simple)
    assert exc.value.code == "slot_past"
    # past the days the booking page offers (a slot made far ahead, or 31/12/9999 typed by
    # mistake): not bookable by posting its number
    for days in (svc.BOOKING_DAYS + 1, 365):
        far = Slot.objects.create(desk=w.center, date=future(days), start=dt.time(9, 0), capacity=3)
        with pytest.raises(DomainError) as exc:
            svc.booking_create(account=citizen.user, slot=far, procedure=w.simple)
        assert exc.value.code == "slot_too_far"
    edge = Slot.objects.create(
        desk=w.center, date=future(svc.BOOKING_DAYS), start=dt.time(9, 0), capacity=3
    )
    assert svc.booking_create(account=citizen.user, slot=edge, procedure=w.simple).pk
    with pytest.raises(DomainError):
        svc.booking_create(account=w.users["counter"], slot=slot, procedure=w.simple)


def test_bad_booking_input(world: World, client_of: Client) -> None:
    for data in (
        {"procedure": "x", "slot": "1"},
        {"procedure": world.simple.pk, "slot": "99999"},
        {},
    ):
        r = client_of.post(reverse("eservices:booking"), data)
        assert r.status_code == 400
    assert Booking.objects.count() == 0
    assert (
        client_of.get(reverse("eservices:booking") + "?procedure=%00&desk=abc").status_code == 200
    )


def test_intake_page_opens_prefilled_from_code(world: World, citizen: Any) -> None:
    w = world
    b = svc.booking_create(account=citizen.user, slot=_slot(w), procedure=w.simple)
    officer = Client()
    officer.force_login(w.users["counter"])
    r = officer.get(reverse("backoffice:intake") + f"?lich={b.code.lower()}")
    page = r.content.decode()
    assert r.status_code == 200
    assert w.simple.name in page and 'value="Trần Thị Bình"' in page
    assert 'value="079200000001"' in page and f"Lịch hẹn {b.code}" in page
    # an officer of another desk cannot open it; an unknown code says so
    other = Client()
    other.force_login(w.users["commune_counter"])
    r = other.get(reverse("backoffice:intake") + f"?lich={b.code}")
    assert r.status_code == 404 and "Trần Thị Bình" not in r.content.decode()
    r = officer.get(reverse("backoffice:intake") + "?lich=%3Cscript%3E")
    assert r.status_code == 404 and "Không tìm thấy lịch hẹn" in r.content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers; the parallel tests run on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_never_exceed_capacity(world: World) -> None:
    from tests.dossiers.test_concurrency import run_parallel

    slot = _slot(world, capacity=3)
    accounts = [CitizenFactory().user for _ in range(8)]

    def book(i: int) -> str:
        return svc.booking_create(account=accounts[i], slot=slot, procedure=world.simple).code

    results = run_parallel(8, book)
    ok = [r for r in results if isinstance(r, str)]
    full = [r for r in results if isinstance(r, DomainError) and r.code == "slot_full"]
    assert len(ok) == 3 and len(full) == 5
    slot.refresh_from_db()
    assert slot.booked == 3 == Booking.objects.filter(state="active").count()


def full_intake(w: World, **over: Any) -> dict[str, Any]:
    """The intake page's POST with every required document ticked (received, not guided)."""
    first = w.simple.documents.order_by("order").first()
    return intake_post(w, **{f"doc_{first.pk}_submitted": "on"}, **over)  # type: ignore[union-attr]


def test_the_desk_receives_from_the_booking_which_is_then_used_and_linked(
    world: World, citizen: Any
) -> None:
    w = world
    b = svc.booking_create(account=citizen.user, slot=_slot(w), procedure=w.simple)
    officer = Client()
    officer.force_login(w.users["counter"])
    page = officer.get(reverse("backoffice:intake") + f"?lich={b.code}").content.decode()
    assert f'name="lich" value="{b.code}"' in page  # carried through the intake's POST
    post = full_intake(w, lich=b.code, name=citizen.name, id_number=citizen.id_number)
    r = officer.post(reverse("backoffice:intake"), post)
    assert r.status_code == 302
    d = Dossier.objects.get(applicant_id_number=citizen.id_number)
    b.refresh_from_db()
    assert d.status == Status.IN_PROGRESS and b.state == Booking.State.USED
    assert d.account == citizen.user  # in the citizen's "my dossiers" from now on
    mine = Client()
    mine.force_login(citizen.user)
    assert d.code in mine.get(reverse("eservices:dossiers")).content.decode()
    # used once: the same code no longer opens the intake page
    assert officer.get(reverse("backoffice:intake") + f"?lich={b.code}").status_code == 404


def test_a_booking_for_someone_else_is_used_but_links_nothing(world: World, citizen: Any) -> None:
    w = world
    b = svc.booking_create(account=citizen.user, slot=_slot(w), procedure=w.simple)
    officer = Client()
    officer.force_login(w.users["counter"])
    r = officer.post(reverse("backoffice:intake"), full_intake(w, lich=b.code))  # other person
    assert r.status_code == 302
    d = Dossier.objects.get(applicant_id_number="070987654321")
    b.refresh_from_db()
    assert b.state == Booking.State.USED and d.account is None
    # a forged or foreign code changes nothing but the intake itself
    other = svc.booking_create(account=citizen.user, slot=_slot(w, days=4), procedure=w.simple)
    r = officer.post(
        reverse("backoffice:intake"),
        full_intake(w, lich="%00<x>", id_number="070987654322", name="Lê Văn C"),
    )
    assert r.status_code == 302
    other.refresh_from_db()
    assert other.state == Booking.State.ACTIVE
    assert Dossier.objects.get(applicant_id_number="070987654322").account is None


def test_an_account_holds_a_few_upcoming_visits_not_a_desks_fortnight(
    world: World, citizen: Any
) -> None:
    """Found by a probe: one account booked a place in each of a desk's forty slots of the
    fortnight. An account holds MAX_ACTIVE_BOOKINGS visits not yet made; a cancelled one, or
    one of a day gone, frees its place in the count."""
    w = world
    slots = [
        Slot.objects.create(desk=w.center, date=future(d), start=dt.time(8, 0), capacity=5)
        for d in range(1, svc.MAX_ACTIVE_BOOKINGS + 3)
    ]
    made = [
        svc.booking_create(account=citizen.user, slot=s, procedure=w.simple)
        for s in slots[: svc.MAX_ACTIVE_BOOKINGS]
    ]
    with pytest.raises(DomainError) as exc:
        svc.booking_create(
            account=citizen.user, slot=slots[svc.MAX_ACTIVE_BOOKINGS], procedure=w.simple
        )
    assert exc.value.code == "too_many_bookings"
    assert "tối đa 3 lịch hẹn" in exc.value.message
    taken = Slot.objects.get(pk=slots[svc.MAX_ACTIVE_BOOKINGS].pk)
    assert taken.booked == 0  # the refused booking took no place
    svc.booking_cancel(account=citizen.user, booking=made[0])
    assert svc.booking_create(
        account=citizen.user, slot=slots[svc.MAX_ACTIVE_BOOKINGS], procedure=w.simple
    ).pk
    # a visit whose day has gone no longer counts
    Slot.objects.filter(pk=made[1].slot_id).update(date=future(-1))
    assert svc.booking_create(
        account=citizen.user, slot=slots[svc.MAX_ACTIVE_BOOKINGS + 1], procedure=w.simple
    ).pk
