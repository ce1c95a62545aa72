"""The portal's settings fail fast: no receipt QR code with the demo's address in production, no
look-up counter with a nonsense rate."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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


def test_public_url_required_in_production() -> None:
    r = load("MOTCUA_PUBLIC_URL", MOTCUA_ENV="production", SECRET_KEY="k" * 50)
    assert r.returncode != 0
    assert "MOTCUA_PUBLIC_URL must be set" in r.stderr
    r = load(
        "MOTCUA_PUBLIC_URL",
        MOTCUA_ENV="production",
        SECRET_KEY="k" * 50,
        MOTCUA_PUBLIC_URL="https://dichvucong.binhphuoc.gov.vn/ ",
    )
    if r.returncode == 0:  # other production settings may still be missing on this machine
        assert r.stdout.strip() == "https://dichvucong.binhphuoc.gov.vn"
    else:
        assert "MOTCUA_PUBLIC_URL" not in r.stderr


@pytest.mark.parametrize("rate", ["10", "a/b", "0/600", "10/0", "-1/60"])
def test_bad_lookup_rate_is_refused(rate: str) -> None:
    r = load("MOTCUA_LOOKUP_RATE", MOTCUA_LOOKUP_RATE=rate)
    assert r.returncode != 0
    assert "MOTCUA_LOOKUP_RATE" in r.stderr


def test_lookup_rate_and_proxy_hops_read() -> None:
    r = load("MOTCUA_LOOKUP_RATE", MOTCUA_LOOKUP_RATE="5/60")
    assert r.stdout.strip() == "(5, 60)"
    assert load("MOTCUA_PROXY_HOPS", MOTCUA_PROXY_HOPS="-2").returncode != 0
