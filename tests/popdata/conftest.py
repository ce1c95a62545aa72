"""The fake national population database (a real HTTP server on 127.0.0.1, a free port) and the
site pointed at it through the real protocol backend; every test starts with an empty cache
(no kept token, answer or open circuit)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from motcua.popdata.fake import FakePopulationDb
from tests.dossiers.conftest import World, world  # noqa: F401 - the shared small province

__all__ = ["World"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake(settings: Any) -> Iterator[FakePopulationDb]:
    server = FakePopulationDb().up()
    settings.MOTCUA_POPDATA_BACKEND = "motcua.popdata.backends.HttpBackend"
    settings.MOTCUA_POPDATA_TOKEN_URL = server.token_url
    settings.MOTCUA_POPDATA_URL = server.verify_url
    settings.MOTCUA_POPDATA_CLIENT_ID = server.client_id
    settings.MOTCUA_POPDATA_CLIENT_SECRET = server.client_secret
    settings.MOTCUA_POPDATA_TIMEOUT = 0.5
    settings.MOTCUA_POPDATA_BREAKER_FAILURES = 3
    settings.MOTCUA_POPDATA_BREAKER_SECONDS = 60
    server.slow_seconds = 1.5
    yield server
    server.down()
