"""The portal's settings fail fast: no receipt QR code with the demo's address in production, no
look-up counter with a nonsense rate."""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


SHARED = (
    "import django; django.setup(); from django.core.cache import cache;"
    "from motcua.portal.throttle import attempt; from django.test import RequestFactory;"
    "r = RequestFactory().post('/tra-cuu/', REMOTE_ADDR='203.0.113.9');"
    "print([attempt(r) is None for _ in range({n})])"
)


def test_a_redis_cache_url_makes_the_lookup_counter_shared_by_processes() -> None:
    """Two processes (two gunicorn workers) count the same client's look-ups together when
    MOTCUA_CACHE_URL names a Redis (database 10 here); without it each counts
    alone, which is why deploy/motcua.env.example sets it."""
    import redis

    url = "redis://127.0.0.1:6379/10"  # its own database: the Celery test (8) runs beside it
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.config.settings",
        MOTCUA_CACHE_URL=url,
        MOTCUA_LOOKUP_RATE="3/600",
    )

    def run(n: int) -> str:
        r = subprocess.run(
            [sys.executable, "-c", SHARED.format(n=n)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    # the counter is a fixed window (10 minutes here): a pair of runs that straddles the edge of
    # a window counts in two, so such a pair is run again (once is enough: runs take seconds)
    for _ in range(2):
        window = int(time.time()) // 600
        first, second = run(2), run(2)
        if int(time.time()) // 600 == window:
            break
        redis.Redis.from_url(url).flushdb()
    assert first == "[True, True]"
    assert second == "[True, False]"  # the second process sees the first one's two tries
    redis.Redis.from_url(url).flushdb()


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379"])
def test_a_cache_url_that_is_not_redis_is_refused(url: str) -> None:
    r = load("CACHES", MOTCUA_CACHE_URL=url)
    assert r.returncode != 0
    assert "MOTCUA_CACHE_URL" in r.stderr
