"""The public portal's tests: the small province of tests/dossiers, a received dossier, a
returned one, and a clean look-up counter for every test."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive, result_return, step_complete
from tests.dossiers.conftest import World, at, world  # noqa: F401 - the shared fixture


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def receive(w: World, when: str = "2026-06-01 09:00", **over: Any) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(**over), now=at(when)
    )


def returned(w: World, when: str = "2026-06-01 09:00") -> Dossier:
    """Received, resolved (specialist, leader) and the result handed back at the counter."""
    d = receive(w, when)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2026-06-02 09:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2026-06-02 10:00"))
    d.refresh_from_db()
    if d.returned_at is None:
        result_return(actor=w.users["counter"], dossier=d, now=at("2026-06-03 09:00"))
    d.refresh_from_db()
    return d


@pytest.fixture
def received(world: World) -> Dossier:  # noqa: F811
    return receive(world)
