"""Suite-wide settings: a fast password hasher (PBKDF2 is slow on purpose) and a private
media folder for uploaded files.

``Client.force_login`` also marks the session as having passed the second factor when the user
needs one (leaders, province administrators, superusers: ``security.policy``): tests that
force a login test the page, not the login. The login itself, the TOTP code and its refusals are
tested through the real pages in ``tests/security/`` and ``tests/citizens/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _force_login_passes_otp(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    from tests.otp import verify_session

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _fast_and_private(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # each test gets its own demo CA and agency keys when it signs (motcua.esign), never var/
    settings.MOTCUA_ESIGN_DIR = tmp_path / "esign"
