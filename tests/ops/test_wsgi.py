"""The WSGI application gunicorn serves (``config.wsgi``), called as gunicorn calls it: what
Django refuses only after building its request is refused before, in Vietnamese."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application() -> Iterator[Any]:
    from motcua.config.wsgi import application

    # as Django's test client does: requests must not close the test's database connection
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def call(application: Any, path: str, query: str, content_type: str) -> tuple[int, dict, bytes]:
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD="GET", CONTENT_TYPE=content_type
    )
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started["status"] = int(status.split()[0])
        started["headers"] = dict(headers)

    body = b"".join(application(environ, start_response))
    return started["status"], started["headers"], body


@pytest.mark.parametrize("charset", ["bz2", "zlib", "hex", "rot13", "idna", "punycode", "uu"])
@pytest.mark.parametrize("path", ["/thu-tuc/", "/api/v1/procedures/"])
def test_a_charset_no_text_is_read_in_is_ignored_not_a_500(
    application: Any, charset: str, path: str
) -> None:
    """Django takes any codec ``codecs.lookup`` knows as the request's charset and decodes the
    query string with it while building the request — before any middleware or view: a
    compression codec (bz2), or one that cannot replace a bad byte (idna), raised there, on every
    URL with a %-escape in its query. Such a charset is now ignored like an unknown name."""
    status, _, body = call(application, path, "q=%41", f"text/plain; charset={charset}")
    assert status == 200, body[:300]


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "latin-1", "utf-16", "cp1258", "khong-co"])
def test_a_charset_text_is_read_in_or_an_unknown_one_goes_on(
    application: Any, charset: str
) -> None:
    """An unknown name Django ignores (it reads UTF-8); a text encoding is Django's to use."""
    status, _, _ = call(application, "/thu-tuc/", "q=%41", f"text/plain; charset={charset}")
    assert status == 200


def test_too_many_parameters_with_a_charset_are_the_400_page_not_a_500(application: Any) -> None:
    """With a charset, Django read the query while building the request: over
    DATA_UPLOAD_MAX_NUMBER_FIELDS, TooManyFieldsSent escaped every handler (a 500)."""
    query = "&".join(f"a{i}=1" for i in range(1500))
    status, _, body = call(application, "/thu-tuc/", query, "text/plain; charset=utf-8")
    assert status == 400
    assert "Yêu cầu không hợp lệ" in body.decode()
    assert call(application, "/thu-tuc/", query, "")[0] == 400  # as without a charset
