"""An action's address opened in the browser leads to its dossier; the online queue is the
desks' page, refused like the tracking book to staff without a desk."""

from __future__ import annotations

from django.test import Client

from motcua.dossiers.services import dossier_receive
from tests.dossiers.conftest import World, at


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_get_on_an_action_redirects_to_the_dossier_and_changes_nothing(world: World) -> None:
    d = dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2022-06-01 09:00"),
    )
    version = d.version
    r = _client(world.users["specialist"]).get(f"/can-bo/ho-so/{d.pk}/thao-tac/complete/")
    assert r.status_code == 302 and r["Location"] == f"/can-bo/ho-so/{d.code}/"
    d.refresh_from_db()
    assert d.version == version
    # an unknown action stays a 404, another agency's dossier too
    assert (
        _client(world.users["specialist"]).get(f"/can-bo/ho-so/{d.pk}/thao-tac/xoa/").status_code
        == 404
    )
    assert (
        _client(world.users["commune_counter"])
        .get(f"/can-bo/ho-so/{d.pk}/thao-tac/complete/")
        .status_code
        == 404
    )


def test_online_queue_is_refused_to_staff_without_a_desk(world: World) -> None:
    r = _client(world.users["specialist"]).get("/can-bo/truc-tuyen/")
    assert r.status_code == 403
    assert "Bạn không phải cán bộ một cửa" in r.content.decode()
    assert _client(world.users["counter"]).get("/can-bo/truc-tuyen/").status_code == 200
