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
