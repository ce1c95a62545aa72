"""The dossier URL takes a code or an internal id; nothing else is read as an id."""

from __future__ import annotations

from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from tests.dossiers.conftest import World, at


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_non_ascii_digits_and_huge_numbers_are_codes_not_ids(world: World) -> None:
    d: Dossier = dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2022-06-01 09:00"),
    )
    c = _client(world.users["counter"])
    assert c.get(f"/can-bo/ho-so/{d.pk}/").status_code == 200
    assert c.get(f"/can-bo/ho-so/{d.code}/").status_code == 200
    arabic = str(d.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for text in (arabic, "9" * 30, "１"):
        r = c.get(f"/can-bo/ho-so/{text}/")
        assert r.status_code == 404, text
