"""Production settings refuse unsafe starts; a production server (gunicorn, WhiteNoise) sends the
security headers. Every case runs in a fresh process: settings are read once per process."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.integrations.test_outbox_smtp import free_port
from tests.tools import production_env

BIN = Path(sys.executable).parent


def env_for(tmp: Path, **over: str) -> dict[str, str]:
    """A production environment with every other required setting present (tests.tools), but
    no SECRET_KEY and no DEBUG unless ``over`` gives them."""
    env = production_env(str(tmp), SECRET_KEY="")
    env.pop("DEBUG", None)
    env["ALLOWED_HOSTS"] = "motcua.example.vn,127.0.0.1"
    env.update(over)
    return {k: v for k, v in env.items() if v != ""}


def load(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER[0])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


KEY = secrets.token_urlsafe(60)


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "ngan-qua"}, "SECRET_KEY must be set"),  # too short to be a real key
        ({"SECRET_KEY": KEY, "DEBUG": "1"}, "DEBUG must be off"),
        ({"SECRET_KEY": KEY, "DEBUG": "true"}, "DEBUG must be off"),
    ],
)
def test_production_refuses_to_start_unsafely(
    tmp_path: Path, over: dict[str, str], message: str
) -> None:
    result = load(env_for(tmp_path, **over))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no development key is made in production


def test_production_with_a_key_is_locked_down(tmp_path: Path) -> None:
    result = load(env_for(tmp_path, SECRET_KEY=KEY))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "31536000",
        "True",
        "True",
        "HTTP_X_FORWARDED_PROTO",
    ]


def test_the_deploy_check_runs_before_collectstatic(tmp_path: Path) -> None:
    """deploy/README.md: `motcua check --deploy` comes before collectstatic. It imports the
    URL configuration, which asked for the favicon's hashed name from a manifest not yet
    written: a traceback. Now the system's own security settings pass (the two warnings left
    are choices documented there: HSTS for subdomains and preload are the operator's)."""
    env = env_for(tmp_path, SECRET_KEY=KEY)
    r = subprocess.run(
        [BIN / "motcua", "check", "--deploy"], env=env, capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    warned = set(re.findall(r"\(security\.(W\d+)\)", r.stdout + r.stderr))
    assert warned <= {"W005", "W021"}, r.stdout + r.stderr


def test_development_key_is_generated_per_installation_never_written_in_code(
    tmp_path: Path,
) -> None:
    env = env_for(tmp_path, MOTCUA_ENV="development")
    code = "from django.conf import settings as s; print(s.SECRET_KEY)"
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    key = (tmp_path / "secret_key").read_text().strip()
    assert first.stdout.strip() == second.stdout.strip() == key and len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only
    settings_py = Path(__file__).parents[2] / "src/motcua/config/settings.py"
    assert "insecure-development-key" not in settings_py.read_text()


@pytest.mark.django_db
def test_every_page_has_the_content_security_policy() -> None:
    for url in ("/dang-nhap/", "/", "/khong-co-trang-nay/"):
        r = Client().get(url)
        csp = r["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp


def test_no_template_has_an_inline_script() -> None:
    """script-src 'self' blocks inline scripts: none may exist (htmx comes from /static/)."""
    import re

    root = Path(__file__).parents[2] / "src/motcua"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        offenders.extend(
            f"{path.relative_to(root)}: {tag}"
            for tag in re.findall(r"<script\b[^>]*>", text)
            if "src=" not in tag
        )
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(root)}: inline event handler")
    assert offenders == []


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: Any) -> Iterator[str]:
    """gunicorn with the production settings and deploy/gunicorn.conf.py, static collected."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("no database involved: run once, on CI's SQLite pass")
    tmp = tmp_path_factory.mktemp("prod")
    port = free_port()
    env = env_for(
        tmp,
        SECRET_KEY=KEY,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    # static files first (deploy/README.md): the URLs name hashed files. No migrate: the pages
    # fetched here read no table, and migrating takes longer than the rest of this module.
    subprocess.run([BIN / "motcua", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    conf = Path(__file__).parents[2] / "deploy/gunicorn.conf.py"
    proc = subprocess.Popen(
        [BIN / "gunicorn", "-c", str(conf)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/dang-nhap/", timeout=1)  # noqa: S310
            except urllib.error.HTTPError:
                break  # the server answers (a redirect to https is an answer)
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, https: bool = True) -> tuple[int, dict[str, str], bytes]:
    headers = {"Host": "motcua.example.vn"}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    opener = urllib.request.build_opener(NoRedirect)
    try:
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http to 127.0.0.1
        with opener.open(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.slow(seconds=30)  # its file is scheduled first (tests/conftest.py)
def test_the_production_server_redirects_to_https(production_server: str) -> None:
    status, headers, _ = fetch(production_server + "/dang-nhap/", https=False)
    assert status == 301 and headers["Location"] == "https://motcua.example.vn/dang-nhap/"


def test_the_production_server_sends_the_security_headers(production_server: str) -> None:
    status, headers, body = fetch(production_server + "/dang-nhap/")
    assert status == 200, body[:300]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    cookie = headers.get("Set-Cookie", "")
    assert "csrftoken=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    # static files: hashed names, served by WhiteNoise with a far-future cache
    import re

    css = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
    assert css, "no hashed stylesheet on the page"
    status, headers, _ = fetch(production_server + css.group(1).decode())
    assert status == 200 and "max-age=315360000" in headers["Cache-Control"]
