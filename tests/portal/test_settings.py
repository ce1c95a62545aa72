"""The portal's settings fail fast: no receipt QR code with the demo's address in production, no
look-up counter with a nonsense rate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import production_env

LOAD = "import django; django.setup(); from django.conf import settings; print(settings.{name})"


def load(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    clean.update(DJANGO_SETTINGS_MODULE="motcua.config.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", LOAD.format(name=name)],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_public_url_required_in_production(tmp_path: Path) -> None:
    r = run_settings(production_env(str(tmp_path), MOTCUA_PUBLIC_URL=""), "MOTCUA_PUBLIC_URL")
    assert r.returncode != 0
    assert "MOTCUA_PUBLIC_URL must be set" in r.stderr
    url = "https://dichvucong.binhphuoc.gov.vn/ "
    r = run_settings(production_env(str(tmp_path), MOTCUA_PUBLIC_URL=url), "MOTCUA_PUBLIC_URL")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "https://dichvucong.binhphuoc.gov.vn"


def run_settings(env: dict[str, str], name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LOAD.format(name=name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("rate", ["10", "a/b", "0/600", "10/0", "-1/60"])
def test_bad_lookup_rate_is_refused(rate: str) -> None:
    r = load("MOTCUA_LOOKUP_RATE", MOTCUA_LOOKUP_RATE=rate)
    assert r.returncode != 0
    assert "MOTCUA_LOOKUP_RATE" in r.stderr


def test_lookup_rate_and_proxy_hops_read() -> None:
    r = load("MOTCUA_LOOKUP_RATE", MOTCUA_LOOKUP_RATE="5/60")
    assert r.stdout.strip() == "(5, 60)"
    assert load("MOTCUA_PROXY_HOPS", MOTCUA_PROXY_HOPS="-2").returncode != 0
