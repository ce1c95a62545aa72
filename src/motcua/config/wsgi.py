import codecs
import functools
import os
from typing import Any

import django
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.db import connections
from django.urls import get_resolver
from django.utils.http import parse_header_parameters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")


@functools.lru_cache(maxsize=64)
def readable(charset: str) -> bool:
    """Whether a request's text can be read in this charset: a text encoding (not bz2, hex,
    rot13: codecs.lookup knows those too) that decodes a bad byte with "replace" (idna and
    punycode raise instead)."""
    try:
        codecs.lookup(charset)
        "%".encode(charset)
        b"%\xff".decode(charset, "replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return False
    return True


class Request(WSGIRequest):
    """Django's request, but the charset of Content-Type taken only when ``readable``; another
    is ignored, as Django ignores a name it does not know (the request is read as UTF-8).

    Django takes any name ``codecs.lookup`` knows, and setting it while the request is built
    computes ``GET`` at once (``HttpRequest.encoding``'s setter asks ``hasattr(self, "GET")``):
    ``Content-Type: text/plain; charset=bz2`` with a %-escape in the query, or any charset with
    more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS, raised before any middleware or view —
    a 500 on every URL. Nothing is computed here: ``GET`` is read when a view reads it, in
    ``charset`` when readable."""

    def _set_content_type_params(self, meta: Any) -> None:
        self.content_type, self.content_params = parse_header_parameters(
            meta.get("CONTENT_TYPE", "")
        )
        charset = self.content_params.get("charset")
        if charset and readable(charset):
            self._encoding = charset  # nothing read yet: no cached GET or POST to drop


class Handler(WSGIHandler):
    request_class = Request


django.setup(set_prefix=False)  # what get_wsgi_application does, with our request
application = Handler()

# The URL configuration — every view and what it imports — is imported here, once, instead of
# at each process's first request. gunicorn loads this module in its master before forking the
# workers (deploy/gunicorn.conf.py, preload_app): without this, the first request a new worker
# served (at start, and after every ``max_requests`` restart) waited 0.7 s for the import
# (BENCHMARKS.md, "Screens at 1,000,000"). A database connection the import opened is closed,
# not to be shared by the forked workers; one open before (a test's) is left alone.
_open = {c.alias for c in connections.all(initialized_only=True) if c.connection is not None}
get_resolver().url_patterns  # noqa: B018
for _c in connections.all(initialized_only=True):
    if _c.connection is not None and _c.alias not in _open:
        _c.close()
