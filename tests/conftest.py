"""Suite-wide settings: a fast password hasher (PBKDF2 is slow on purpose) and a private
media folder for uploaded files.

``Client.force_login`` also marks the session as having passed the second factor when the user
needs one (leaders, province administrators, superusers: ``security.policy``): tests that
force a login test the page, not the login. The login itself, the TOTP code and its refusals are
tested through the real pages in ``tests/security/`` and ``tests/citizens/``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: CI runs the suite twice, on SQLite (with coverage) then on PostgreSQL (``.ci/run`` sets
#: MOTCUA_SECOND_PASS=1 for the second). What does not depend on the database — the browser
#: tests (the PostgreSQL pass reaches the same pages through Django's test client) and the tests
#: marked ``once`` (commands run on a SQLite file of their own, pure computations) — runs on the
#: first pass only, and is reported skipped with this reason on the second.
SECOND_PASS_REASON = (
    "run once per CI, on the SQLite pass: this test does not depend on the database "
    "(MOTCUA_SECOND_PASS=1)"
)

#: ... and a test that asks for no database at all (no ``django_db`` mark, none of these
#: fixtures) cannot depend on which one it is: the second pass skips it too.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
    "_django_db_helper",
}
NO_DATABASE_REASON = (
    "run once per CI, on the SQLite pass: this test asks for no database (MOTCUA_SECOND_PASS=1)"
)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    # the files of the tests marked ``slow`` first, the longest first (``slow(seconds=…)``; a
    # stable sort: the rest keep their order). pytest-xdist then sends the files to the workers
    # by their number of tests, most first (``--loadscope-reorder``, its default, a stable sort
    # too): this order decides only among files of as many tests — the seed-scale demo's file,
    # one test, goes first of the one-test files, not first of all. Sending the files in this
    # order (``--no-loadscope-reorder``) ran the SQLite pass slower, 1,225 s against 1,070 s
    # on a 2-core machine (the commit that took it back, ea43817)
    cost: dict[Any, float] = {}
    for item in items:
        mark = item.get_closest_marker("slow")
        if mark is not None:
            seconds = float(mark.kwargs.get("seconds", 10))
            cost[item.path] = max(cost.get(item.path, 0.0), seconds)
    items.sort(key=lambda item: -cost.get(item.path, 0.0))
    if os.environ.get("MOTCUA_SECOND_PASS") != "1":
        return
    skip = pytest.mark.skip(reason=SECOND_PASS_REASON)
    no_db = pytest.mark.skip(reason=NO_DATABASE_REASON)
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("once"):
            item.add_marker(skip)
        elif not (
            item.get_closest_marker("django_db")
            or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        ):
            item.add_marker(no_db)


@pytest.fixture(autouse=True)
def _force_login_passes_otp(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    from tests.otp import verify_session

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_hasher_for_the_session() -> Iterator[None]:
    """The fast hasher from the start of the session, for the fixtures that build a module's
    demo before any test's own settings apply (PBKDF2 took 3 of a demo build's 25 seconds)."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _fast_and_private(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # each test gets its own demo CA and agency keys when it signs (motcua.esign), never var/
    settings.MOTCUA_ESIGN_DIR = tmp_path / "esign"
