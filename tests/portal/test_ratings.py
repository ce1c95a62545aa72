"""Ratings (Decision 766, satisfaction group): three levels stored as the 1–5 score the reports
read; two doors (the citizen's own dossier, the counter tablet); once per dossier, only after the
result was returned; every hostile door refused with nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierEvent, EventType, Rating
from motcua.dossiers.services import step_complete
from motcua.portal.services import SCORES, Satisfaction, satisfaction_of
from motcua.reports.decision766 import _ratios
from motcua.reports.selectors import Period
from tests.dossiers.conftest import World, at
from tests.factories import CitizenFactory
from tests.portal.conftest import receive, returned

pytestmark = pytest.mark.django_db


def owned(d: Dossier, user: Any) -> Dossier:
    Dossier.objects.filter(pk=d.pk).update(account=user)  # as the online intake links it
    d.refresh_from_db()
    return d


@pytest.fixture
def citizen() -> Any:
    return CitizenFactory().user


def rate(client: Client, d: Dossier, level: str = "hai_long", **extra: str) -> Any:
    return client.post(
        f"/danh-gia/{d.pk}/", {"level": level, "next": "/cong-dan/ho-so/1/", **extra}
    )


# ---- the mapping -------------------------------------------------------------------------


def test_three_levels_are_scores_the_reports_read() -> None:
    assert SCORES == {
        Satisfaction.SATISFIED: 5,
        Satisfaction.NORMAL: 3,
        Satisfaction.NOT_SATISFIED: 1,
    }
    assert [satisfaction_of(s) for s in (1, 2, 3, 4, 5)] == [
        Satisfaction.NOT_SATISFIED,
        Satisfaction.NOT_SATISFIED,
        Satisfaction.NORMAL,
        Satisfaction.SATISFIED,
        Satisfaction.SATISFIED,
    ]


# ---- door (a): the citizen's dossier page ------------------------------------------------


def test_citizen_rates_own_returned_dossier_once(
    client: Client, world: World, citizen: Any
) -> None:
    d = owned(returned(world), citizen)
    client.force_login(citizen)
    r = rate(client, d, "khong_hai_long", comment="Chờ lâu ở quầy")
    assert r.status_code == 302 and r["Location"] == "/cong-dan/ho-so/1/"
    rating = Rating.objects.get(dossier=d)
    assert (rating.score, rating.comment) == (1, "Chờ lâu ở quầy")
    event = DossierEvent.objects.get(dossier=d, type=EventType.RATED)
    assert event.actor == citizen and event.data == {"score": 1, "via": "portal"}
    # a second time: refused, with a clear message; the first stands
    r = rate(client, d, "hai_long")
    assert r.status_code == 302
    assert Rating.objects.get(dossier=d).score == 1
    msgs = [str(m) for m in r.wsgi_request._messages]  # type: ignore[attr-defined]
    assert any("đã được đánh giá" in m for m in msgs), msgs


def test_citizen_cannot_rate_before_the_result_is_returned(
    client: Client, world: World, citizen: Any
) -> None:
    open_one = owned(receive(world), citizen)
    resolved_not_returned = owned(receive(world, "2026-06-01 10:00"), citizen)
    step_complete(
        actor=world.users["specialist"], dossier=resolved_not_returned, now=at("2026-06-02 09:00")
    )
    step_complete(
        actor=world.users["leader"], dossier=resolved_not_returned, now=at("2026-06-02 10:00")
    )
    resolved_not_returned.refresh_from_db()
    client.force_login(citizen)
    for d in (open_one, resolved_not_returned):
        r = rate(client, d)
        assert r.status_code == 302
        msgs = [str(m) for m in r.wsgi_request._messages]  # type: ignore[attr-defined]
        assert any("kết quả đã được trả" in m for m in msgs), msgs
    assert Rating.objects.count() == 0


def test_citizen_cannot_rate_another_citizens_dossier(
    client: Client, world: World, citizen: Any
) -> None:
    mine = owned(returned(world), citizen)
    theirs = owned(returned(world, "2026-06-01 10:00"), CitizenFactory().user)
    nobodys = returned(world, "2026-06-01 11:00")
    client.force_login(citizen)
    for d in (theirs, nobodys):
        r = rate(client, d)
        assert r.status_code == 404
        assert "Không tìm thấy hồ sơ" in r.content.decode()
    assert client.post("/danh-gia/999999999/", {"level": "hai_long"}).status_code == 404
    assert Rating.objects.count() == 0
    assert rate(client, mine).status_code == 302
    assert list(Rating.objects.values_list("dossier_id", flat=True)) == [mine.pk]


def test_staff_anonymous_and_get_cannot_rate(client: Client, world: World, citizen: Any) -> None:
    d = owned(returned(world), citizen)
    r = rate(client, d)
    assert r.status_code == 302 and r["Location"].startswith("/cong-dan/dang-nhap/")
    client.force_login(world.users["counter"])
    assert rate(client, d).status_code == 403
    client.force_login(citizen)
    assert client.get(f"/danh-gia/{d.pk}/").status_code == 405
    assert Rating.objects.count() == 0


def test_citizen_rating_needs_csrf(world: World, citizen: Any) -> None:
    d = owned(returned(world), citizen)
    c = Client(enforce_csrf_checks=True)
    c.force_login(citizen)
    assert c.post(f"/danh-gia/{d.pk}/", {"level": "hai_long"}).status_code == 403
    assert Rating.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"level": "rat_hai_long"},
        {"level": ""},
        {"level": "hai_long\x00"},
        {"level": "hai_long", "comment": "tốt\x00"},
        {"level": "hai_long", "comment": "x" * 100_000},
        {"level": "hai_long", "comment": "chuông\x07"},
    ],
)
def test_citizen_hostile_rating_input_changes_nothing(
    client: Client, world: World, citizen: Any, data: dict[str, str]
) -> None:
    d = owned(returned(world), citizen)
    client.force_login(citizen)
    r = client.post(f"/danh-gia/{d.pk}/", {**data, "next": "https://evil.example/"})
    assert r.status_code == 302
    assert r["Location"] == "/cong-dan/"  # never an open redirect
    msgs = [str(m) for m in r.wsgi_request._messages]  # type: ignore[attr-defined]
    assert msgs and all(not m.isascii() for m in msgs), msgs
    assert Rating.objects.count() == 0


def test_the_panel_on_the_citizens_dossier_page(world: World, citizen: Any) -> None:
    d = owned(returned(world), citizen)
    request = RequestFactory().get(f"/cong-dan/ho-so/{d.pk}/")
    request.user = citizen
    html = render_to_string(
        "feedback/_citizen_rating.html", {"dossier": d, "user": citizen}, request=request
    )
    assert f'action="/danh-gia/{d.pk}/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert html.count('type="radio"') == 3
    assert '<label for="rating-comment">' in html
    Rating.objects.create(dossier=d, score=3, comment="", at=at("2026-06-04 09:00"))
    d = Dossier.objects.get(pk=d.pk)
    html = render_to_string("feedback/_citizen_rating.html", {"dossier": d}, request=request)
    assert "Ông/bà đã đánh giá: <strong>Bình thường</strong>" in html
    assert "<form" not in html
    open_one = receive(world, "2026-06-01 10:00")
    html = render_to_string("feedback/_citizen_rating.html", {"dossier": open_one}, request=request)
    assert "sau khi nhận kết quả" in html and "<form" not in html


# ---- door (b): the counter tablet --------------------------------------------------------


def test_counter_tablet_rating(client: Client, world: World) -> None:
    d = returned(world)
    client.force_login(world.users["counter"])
    r = client.get("/danh-gia/quay/")
    assert r.status_code == 200 and 'for="id_ma"' in r.content.decode()
    r = client.get("/danh-gia/quay/", {"ma": d.code})
    body = r.content.decode()
    assert r.status_code == 200
    assert body.count('class="big level-') == 3
    r = client.post("/danh-gia/quay/", {"code": d.code, "level": "hai_long"})
    assert r.status_code == 200
    assert "Cảm ơn ông/bà đã đánh giá!" in r.content.decode()
    rating = Rating.objects.get(dossier=d)
    assert rating.score == 5
    event = DossierEvent.objects.get(dossier=d, type=EventType.RATED)
    assert event.actor == world.users["counter"] and event.data["via"] == "counter"
    # once: the tablet says so, a replayed POST is refused
    body = client.get("/danh-gia/quay/", {"ma": d.code}).content.decode()
    assert "đã được đánh giá" in body and 'class="big level-' not in body
    r = client.post("/danh-gia/quay/", {"code": d.code, "level": "khong_hai_long"})
    assert r.status_code == 409
    assert "đã được đánh giá" in r.content.decode()
    assert Rating.objects.get(dossier=d).score == 5


def test_counter_tablet_refuses_unreturned_and_others_dossiers(
    client: Client, world: World, citizen: Any
) -> None:
    open_one = receive(world)
    client.force_login(world.users["counter"])
    body = client.get("/danh-gia/quay/", {"ma": open_one.code}).content.decode()
    assert "chưa được trả kết quả" in body
    r = client.post("/danh-gia/quay/", {"code": open_one.code, "level": "hai_long"})
    assert r.status_code == 409
    d = returned(world, "2026-06-01 10:00")
    # an officer of another agency does not even see the dossier; a specialist sees it but is
    # not the desk
    client.force_login(world.users["commune_counter"])
    r = client.post("/danh-gia/quay/", {"code": d.code, "level": "hai_long"})
    assert r.status_code == 404
    client.force_login(world.users["specialist"])
    r = client.post("/danh-gia/quay/", {"code": d.code, "level": "hai_long"})
    assert r.status_code == 403
    # a citizen account, nobody logged in
    client.force_login(citizen)
    assert client.get("/danh-gia/quay/").status_code == 403
    client.logout()
    r = client.get("/danh-gia/quay/")
    assert r.status_code == 302 and r["Location"].startswith("/dang-nhap/")
    assert Rating.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"code": "", "level": "hai_long"},
        {"code": "A\x00B", "level": "hai_long"},
        {"code": "x" * 10_000, "level": "hai_long"},
        {"code": "ABC", "level": "5"},
    ],
)
def test_counter_tablet_hostile_input(client: Client, world: World, data: dict[str, str]) -> None:
    client.force_login(world.users["counter"])
    r = client.post("/danh-gia/quay/", data)
    assert r.status_code == 400
    assert 'class="errorlist"' in r.content.decode()
    assert Rating.objects.count() == 0


# ---- the ratings reach Decision 766 ------------------------------------------------------


def test_ratings_reach_the_decision_766_satisfaction_criteria(world: World) -> None:
    from motcua.portal.services import rating_at_counter

    a = returned(world)
    b = returned(world, "2026-06-01 10:00")
    c = returned(world, "2026-06-01 11:00")
    for d, level in ((a, "hai_long"), (b, "binh_thuong"), (c, "khong_hai_long")):
        rating_at_counter(
            actor=world.users["counter"], dossier=d, level=level, now=at("2026-06-04 09:00")
        )
    period = Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    ratios = _ratios(period, None, Procedure.objects.all())
    assert ratios["satisfied_ratings"] == (1, 3)
    # the dossier part: handled − late − not satisfied
    handled, total = ratios["satisfaction_dossiers"]
    assert total == 3 and handled == 2
