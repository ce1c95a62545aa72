import os

from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
application = get_wsgi_application()

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
