"""Tests that need a tool from outside Python (Chromium, LibreOffice).

Outside CI a missing tool skips the test with the reason. On CI (``CI=true``) ``.ci/run`` has
installed the tools first, so a missing one is a broken install step: the test fails instead.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def on_ci() -> bool:
    return os.environ.get("CI") == "true"


def tool_missing(reason: str) -> NoReturn:
    if on_ci():
        pytest.fail(f"CI=true but {reason} (.ci/run installs it: its install step is broken)")
    pytest.skip(reason)


def production_env(var_dir: str, **overrides: str) -> dict[str, str]:
    """The process environment of a complete production configuration (every setting production
    requires, with throwaway values), for tests that start ``motcua.config.settings`` in a
    subprocess; ``overrides`` change or (with "") blank one of them."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MOTCUA_", "PAYMENT_")) and k not in {"DATABASE_URL", "SECRET_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.config.settings",
        MOTCUA_ENV="production",
        MOTCUA_VAR_DIR=var_dir,
        SECRET_KEY="s" * 50,
        MOTCUA_AUDIT_KEY="a" * 40,
        MOTCUA_PUBLIC_URL="https://dichvucong.example.gov.vn",
        PAYMENT_GATEWAY_SECRET="g" * 40,
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}
