"""Issue 15's counter queue in a real browser: a person takes a ticket at the kiosk, the officer
calls it from the desk panel, and the calling screen (another page, polling) shows the number and
the desk and rings; a recall rings again. Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.counterqueue.models import Ticket, TicketStatus
from tests.browser.test_counter_intake import login
from tests.counterqueue.conftest import Q, q  # noqa: F401 - the desks at the Service Center

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kiosk_ticket_called_from_a_desk_shows_on_the_screen(
    q: Q,  # noqa: F811
    live_server: Any,
    page: Any,
    shot: Any,
    artifacts: Any,
) -> None:
    base = live_server.url
    center = q.w.center.pk
    screen = page.context.new_page()
    screen.goto(f"{base}/xep-hang/man-hinh/{center}/")
    assert "Chưa gọi số nào" in screen.inner_text("#screen-now")

    kiosk = page.context.new_page()
    kiosk.set_viewport_size({"width": 1080, "height": 1920})
    # the receipt printer's dialog is the browser's: count the calls instead of opening it
    kiosk.add_init_script(
        "window.print = function () { window.__printed = (window.__printed || 0) + 1; };"
    )
    kiosk.goto(f"{base}/xep-hang/kiosk/{center}/")
    kiosk.click("#kiosk-fields >> text=Công chứng")
    kiosk.wait_for_selector("#take-field")
    kiosk.screenshot(path=str(artifacts / "xep-hang-01-kiosk.png"))
    kiosk.click("#take-field")
    kiosk.wait_for_selector("#ticket-number")
    assert kiosk.inner_text("#ticket-number") == "0001"
    kiosk.wait_for_function("() => window.__printed === 1")  # printed at once, without a touch
    kiosk.screenshot(path=str(artifacts / "xep-hang-02-phieu.png"))
    receipt = kiosk.pdf(width="80mm", height="120mm", print_background=True)
    assert receipt.startswith(b"%PDF-")
    (artifacts / "xep-hang-02-phieu.pdf").write_bytes(receipt)
    t = Ticket.objects.get()
    assert t.status == TicketStatus.WAITING and t.field == q.notary

    login(page, base, "motcua_tinh")
    page.goto(f"{base}/xep-hang/quay/?quay={q.d2.pk}")
    page.wait_for_selector("#desk-queue >> text=0001")
    page.click("#btn-next")
    page.wait_for_selector("#current-number")
    assert page.inner_text("#current-number") == "0001"
    shot("xep-hang-03-quay")

    screen.wait_for_function(
        "() => document.querySelector('#now-number') !== null && "
        "document.querySelector('#now-number').textContent.trim() === '0001'",
        timeout=15000,
    )
    assert "Quầy 2" in screen.inner_text("#now-desk")
    screen.wait_for_function("() => document.body.dataset.chimes === '1'", timeout=5000)
    screen.screenshot(path=str(artifacts / "xep-hang-04-man-hinh.png"))

    page.click("#btn-recall")
    page.wait_for_selector(".messages >> text=Đã gọi lại số 0001")
    screen.wait_for_function("() => document.body.dataset.chimes === '2'", timeout=15000)

    page.click("#btn-serve")
    page.wait_for_selector("#btn-finish")
    page.click("#btn-finish")
    page.wait_for_selector("#btn-next")
    t.refresh_from_db()
    assert t.status == TicketStatus.DONE and t.officer == q.w.users["counter"]
    screen.wait_for_timeout(2500)  # a poll later the finished number stays until the next
    assert screen.inner_text("#now-number") == "0001"
    assert screen.evaluate("() => document.body.dataset.chimes") == "2"
