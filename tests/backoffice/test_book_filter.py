"""The tracking book opens on the latest year the desk numbered and refuses odd filters."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from tests.dossiers.conftest import World, at


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_book_opens_on_the_latest_year_with_numbered_dossiers(world: World) -> None:
    d: Dossier = dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2022-06-01 09:00"),
    )
    r = _client(world.users["counter"]).get("/can-bo/so-theo-doi/")
    assert r.status_code == 200
    assert r.context["year"] == 2022  # not the empty current year
    assert [x.pk for x in r.context["rows"]] == [d.pk]
    assert d.code in r.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "0"}, "Năm: không được nhỏ hơn 1990"),
        ({"year": "99999999999999999999"}, "Năm: không được lớn hơn 2100"),
        ({"year": "abc"}, "Năm"),
        ({"from": "2022-13-01"}, "Ngày phải có dạng YYYY-MM-DD"),
        ({"from": "2022-06-30", "to": "2022-06-01"}, "Đến ngày phải sau hoặc bằng Từ ngày"),
    ],
)
def test_odd_book_filters_get_a_message_not_a_500(
    world: World, query: dict[str, str], message: str
) -> None:
    r = _client(world.users["counter"]).get("/can-bo/so-theo-doi/", query)
    assert r.status_code == 400
    assert message in r.content.decode()
