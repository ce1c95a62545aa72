"""Tests that need a tool from outside Python (Chromium, LibreOffice).

Outside CI a missing tool skips the test with the reason. On CI (``CI=true``) ``.ci/run`` has
installed the tools first, so a missing one is a broken install step: the test fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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
        if not k.startswith(("MOTCUA_", "PAYMENT_"))
        # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in the worker: not production's
        and k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
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


@contextmanager
def coverage_paused() -> Iterator[None]:
    """Coverage's tracing stopped inside the block, when ``./dev test --cov`` measures: for a
    demo built only as the setting of other tests (the screens of its logins, a browser's day).
    Measured, a build takes about 1.7 times as long, and its lines are measured where the demo
    itself is the subject (``tests/demo/``)."""
    try:
        import coverage
    except ImportError:  # pragma: no cover - coverage is in the test extra
        yield
        return
    current = coverage.Coverage.current()
    if current is None:
        yield
        return
    current.stop()
    try:
        yield
    finally:
        current.start()
