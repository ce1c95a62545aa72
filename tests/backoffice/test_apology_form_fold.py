"""The apology form on the dossier page is folded while an apology would still be on time and
opens by itself once the latest moment (one working day before due) has passed."""

from __future__ import annotations

import re

import time_machine
from django.test import Client

from motcua.dossiers.services import dossier_receive
from tests.dossiers.conftest import World, at


def _apology_tag(page: str) -> str:
    found = re.search(r'<details class="act" id="apology"[^>]*>', page)
    assert found is not None, "no apology form"
    return found.group(0)


def test_apology_form_folded_before_the_latest_moment_open_after(world: World) -> None:
    # received Wednesday 1/6/2022 09:00, 5 working days: due Wednesday 8/6 09:00, so the latest
    # on-time apology is Tuesday 7/6 09:00
    d = dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2022-06-01 09:00"),
    )
    leader = Client()
    leader.force_login(world.users["leader"])
    with time_machine.travel(at("2022-06-06 09:00"), tick=False):
        tag = _apology_tag(leader.get(f"/can-bo/ho-so/{d.code}/").content.decode())
    assert " open" not in tag
    with time_machine.travel(at("2022-06-07 10:00"), tick=False):
        page = leader.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert " open" in _apology_tag(page)
    assert "lập bây giờ sẽ bị ghi nhận vi phạm" in page
