"""The citizen's walk on a phone (390×844): the home page, a procedure found by typing without
diacritics, its page, then the look-up of a dossier by code and phone; keyboard focus visible,
every input labelled. Screenshots in test-artifacts/ (git-ignored)."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.services import dossier_receive
from tests.dossiers.conftest import World, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)"""

# WCAG 2 contrast of every element that holds text, against the nearest opaque background
LOW_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const bg = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || box.width === 0 || box.left < -100) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const what = el.tagName + ' ' + el.textContent.trim().slice(0, 30);
    if (ratio < 4.5) bad.push(what + ' ' + ratio.toFixed(2));
  }
  return bad;
}"""


def test_citizen_finds_a_procedure_and_looks_up_a_dossier_on_a_phone(
    world: World, live_server: Any, browser: Any, artifacts: Any
) -> None:
    d = dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2026-06-01 09:00"),
    )
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", device_scale_factor=1
    )
    page = context.new_page()
    try:

        def shot(name: str) -> None:
            page.screenshot(path=str(artifacts / f"portal-{name}.png"), full_page=True)
            assert page.evaluate(LOW_CONTRAST) == [], name

        page.goto(f"{base}/")
        assert page.evaluate(UNLABELLED) == []
        # no horizontal scrolling on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # keyboard: the skip link comes first and shows focus
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
        shot("01-trang-chu")

        page.fill("#id_q", "thanh lap van phong cong chung")  # typed without diacritics
        page.keyboard.press("Enter")
        page.wait_for_selector("#procedure-results")
        assert page.evaluate(UNLABELLED) == []
        link = page.locator("#procedure-results a.title").first
        assert "Thành lập Văn phòng công chứng" in link.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot("02-ket-qua-tim-kiem")

        link.focus()
        page.keyboard.press("Enter")  # opened by keyboard
        page.wait_for_selector("#procedure-name")
        assert "5 ngày làm việc" in page.inner_text("#time-limit")
        assert "1.000.000 đồng" in page.inner_text("#fees")
        submit = page.locator("#submit-online")
        assert submit.get_attribute("href") == f"/dich-vu-cong/nop/{world.simple.pk}/"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot("03-thu-tuc")

        page.click("header.site a[href='/tra-cuu/']")
        page.wait_for_selector("#lookup-form")
        assert page.evaluate(UNLABELLED) == []
        page.fill("#id_code", d.code)
        page.fill("#id_factor", "0912 345 678")
        page.click("#lookup-form button[type=submit]")
        page.wait_for_selector("#dossier-status")
        assert "đang được giải quyết" in page.inner_text("#status-text")
        assert d.code in page.inner_text("#dossier-status")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot("04-tra-cuu")

        # a wrong factor: the same message a wrong code gets, the form empty again
        page.goto(f"{base}/tra-cuu/")
        page.fill("#id_code", d.code)
        page.fill("#id_factor", "0999999999")
        page.click("#lookup-form button[type=submit]")
        page.wait_for_selector("#lookup-miss")
        assert page.input_value("#id_code") == ""
        shot("05-tra-cuu-khong-khop")
    finally:
        context.close()


def test_counter_tablet_rating_by_touch(
    world: World, live_server: Any, browser: Any, artifacts: Any
) -> None:
    from motcua.dossiers.models import Rating
    from tests.browser.test_counter_intake import login
    from tests.portal.conftest import returned

    d = returned(world)
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, locale="vi-VN", has_touch=True
    )
    page = context.new_page()
    try:
        login(page, base, "motcua_tinh")
        page.goto(f"{base}/danh-gia/quay/")
        page.fill("#id_ma", d.code)
        page.keyboard.press("Enter")
        page.wait_for_selector("#counter-rating")
        assert page.evaluate(UNLABELLED) == []
        box = page.locator("button.level-hai_long").bounding_box()
        assert box is not None and box["height"] >= 80  # a big target for a finger
        page.screenshot(path=str(artifacts / "portal-06-danh-gia-tai-quay.png"))
        page.locator("button.level-hai_long").tap()
        page.wait_for_selector("#counter-thanks")
        page.screenshot(path=str(artifacts / "portal-07-cam-on.png"))
        assert Rating.objects.get(dossier=d).score == 5
    finally:
        context.close()
