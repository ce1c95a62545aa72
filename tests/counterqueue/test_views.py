"""The pages: the kiosk (no login, rate-limited, bad input changes nothing), the receipt, the
calling screen's live fragment, the officer's panel scoped to their agency, the statistics."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from motcua.counterqueue import services as svc
from motcua.counterqueue.models import Ticket, TicketStatus
from motcua.units.models import Membership, Role
from tests.counterqueue.conftest import Q
from tests.otp import verify_session


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def staff(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    verify_session(c, user)
    return c


def test_kiosk_takes_a_ticket_and_prints_the_receipt(q: Q) -> None:
    c = Client()
    page = c.get(reverse("counterqueue:kiosk", args=[q.w.center.pk])).content.decode()
    assert "Công chứng" in page and "Hộ tịch" in page and "mã đặt lịch" in page
    page = c.get(reverse("counterqueue:kiosk", args=[q.w.center.pk]), {"linh-vuc": q.civil.pk})
    assert "Cấp bản sao trích lục hộ tịch" in page.content.decode()
    r = c.post(
        reverse("counterqueue:take", args=[q.w.center.pk]),
        {"field": q.civil.pk, "procedure": q.civil_proc.pk},
    )
    assert r.status_code == 302
    t = Ticket.objects.get()
    assert (t.number, t.field, t.procedure) == (1, q.civil, q.civil_proc)
    receipt = c.get(r["Location"])
    text = receipt.content.decode()
    assert receipt.status_code == 200 and "0001" in text and "data-autoprint" in text
    assert "Cấp bản sao trích lục hộ tịch" in text
    # a forged or altered receipt address shows nothing
    assert c.get(r["Location"].replace("/phieu/", "/phieu/x")).status_code == 404


def test_kiosk_bad_input_changes_nothing(q: Q) -> None:
    c = Client()
    url = reverse("counterqueue:take", args=[q.w.center.pk])
    for data in ({}, {"field": "abc"}, {"field": q.civil.pk, "procedure": q.w.simple.pk}):
        r = c.post(url, data)
        assert r.status_code == 400, data
        assert 'id="kiosk-error"' in r.content.decode()
    r = c.post(reverse("counterqueue:booking", args=[q.w.center.pk]), {"code": "KHONGCO1"})
    assert r.status_code == 400 and "Không tìm thấy lịch hẹn" in r.content.decode()
    assert c.get(reverse("counterqueue:kiosk", args=[q.w.justice.pk])).status_code == 404
    assert Ticket.objects.count() == 0


def test_kiosk_rate_limited_per_address(q: Q, settings: Any) -> None:
    settings.MOTCUA_KIOSK_RATE = (2, 600)
    c = Client(REMOTE_ADDR="10.0.0.9")
    url = reverse("counterqueue:take", args=[q.w.center.pk])
    assert [c.post(url, {"field": q.notary.pk}).status_code for _ in range(3)] == [302, 302, 429]
    assert Ticket.objects.count() == 2
    assert Client(REMOTE_ADDR="10.0.0.10").post(url, {"field": q.notary.pk}).status_code == 302


def test_kiosk_rate_limit_counts_an_ipv6_client_by_its_64(q: Q, settings: Any) -> None:
    """One /64 is one subscriber: rotating through its addresses took a ticket each time."""
    settings.MOTCUA_KIOSK_RATE = (2, 600)
    url = reverse("counterqueue:take", args=[q.w.center.pk])
    sent = [
        Client(REMOTE_ADDR=f"2001:db8:7:8::{n}").post(url, {"field": q.notary.pk}).status_code
        for n in (1, 2, 3)
    ]
    assert sent == [302, 302, 429]
    assert Ticket.objects.count() == 2


def test_screen_fragment_shows_the_called_number(q: Q) -> None:
    t = svc.ticket_take(agency=q.w.center, field=q.notary)
    c = Client()
    url = reverse("counterqueue:screen_fragment", args=[q.w.center.pk])
    before = c.get(url).content.decode()
    assert "Chưa gọi số nào" in before and 'data-stamp=""' in before
    svc.call_next(actor=q.w.users["counter"], desk=q.d2)
    after = c.get(url).content.decode()
    assert "0001" in after and "Quầy 2" in after and f'data-stamp="{t.pk}-1"' in after
    full = c.get(reverse("counterqueue:screen", args=[q.w.center.pk])).content.decode()
    assert "htmx-2.0.11.min.js" in full and "chime.wav" in full and "every 2s" in full


def test_officer_panel_calls_and_acts(q: Q) -> None:
    t = svc.ticket_take(agency=q.w.center, field=q.notary)
    c = staff(q.w.users["counter"])
    panel = c.get(reverse("counterqueue:desk"), {"quay": q.d2.pk}).content.decode()
    assert "Gọi số tiếp theo" in panel and "0001" in panel
    post = reverse("counterqueue:desk_action")
    r = c.post(post, {"desk": q.d2.pk, "action": "next"})
    assert r.status_code == 302
    c.post(post, {"desk": q.d2.pk, "action": "next"})  # a double click
    t.refresh_from_db()
    assert (t.status, t.desk, t.calls) == (TicketStatus.CALLED, q.d2, 1)
    panel = c.get(r["Location"]).content.decode()
    assert 'id="current-number">0001' in panel and 'id="to-intake"' in panel
    r = c.post(
        post, {"desk": q.d2.pk, "action": "transfer", "ticket": t.pk, "to_desk": q.commune.pk}
    )
    t.refresh_from_db()
    assert t.status == TicketStatus.CALLED and t.desk == q.d2
    assert "cùng nơi tiếp nhận" in c.get(r["Location"]).content.decode()
    c.post(post, {"desk": q.d2.pk, "action": "transfer", "ticket": t.pk, "to_desk": q.d1.pk})
    t.refresh_from_db()
    assert (t.status, t.desk) == (TicketStatus.TRANSFERRED, q.d1)
    c.post(post, {"desk": q.d1.pk, "action": "next"})
    c.post(post, {"desk": q.d1.pk, "action": "finish", "ticket": t.pk})
    t.refresh_from_db()
    assert t.status == TicketStatus.DONE and t.finished_at is not None


def test_officer_of_another_agency_is_refused(q: Q) -> None:
    t = svc.ticket_take(agency=q.w.center, field=q.notary)
    commune = staff(q.w.users["commune_counter"])
    panel = commune.get(reverse("counterqueue:desk"), {"quay": q.d1.pk}).content.decode()
    assert "Quầy 1" in panel and "Quầy chung" not in panel  # their own desk only
    r = commune.post(reverse("counterqueue:desk_action"), {"desk": q.d1.pk, "action": "next"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == TicketStatus.WAITING
    # not a counter officer anywhere: 403
    assert staff(q.w.users["specialist"]).get(reverse("counterqueue:desk")).status_code == 403
    assert Client().get(reverse("counterqueue:desk")).status_code == 302  # to the login


def test_statistics_page_and_export(q: Q) -> None:
    svc.ticket_take(agency=q.w.center, field=q.notary)
    svc.call_next(actor=q.w.users["counter"], desk=q.d2)
    leader = q.w.users["leader"]
    Membership.objects.create(user=leader, agency=q.w.center, role=Role.LEADER)
    c = staff(leader)
    page = c.get(reverse("counterqueue:stats"))
    text = page.content.decode()
    assert page.status_code == 200 and "Quầy 2" in text and "Công chứng" in text
    bad = c.get(reverse("counterqueue:stats"), {"first": "2026-13-01"})
    assert bad.status_code == 400 and "Từ ngày" in bad.content.decode()
    x = c.get(reverse("counterqueue:stats"), {"tai": "xlsx"})
    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(x.content)).active
    assert ws["A2"].value == "Nơi tiếp nhận" and ws["B3"].value == "Quầy 2"
    assert staff(q.w.users["counter"]).get(reverse("counterqueue:stats")).status_code == 403
