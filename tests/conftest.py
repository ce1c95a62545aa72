"""Suite-wide settings: a fast password hasher (PBKDF2 is slow on purpose) and a private
media folder for uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_and_private(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # each test gets its own demo CA and agency keys when it signs (motcua.esign), never var/
    settings.MOTCUA_ESIGN_DIR = tmp_path / "esign"
