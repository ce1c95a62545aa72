"""Reports, dashboards and exports read from a streaming replica; everything else, and every
write, goes to the primary.

The ``replica`` database alias exists when ``DATABASE_REPLICA_URL`` is set; without it (the demo,
one server) the router sends everything to ``default``. Reads go to the replica only inside
``replica_reads()`` — set around the report pages and API by ``ReplicaReadsMiddleware`` and
around the ``report`` and ``evaluate`` commands — and never:

* for writes (``db_for_write`` is always the primary);
* inside a transaction on the primary (a service that reads then writes must read what it is
  about to change, not a copy some milliseconds old);
* for accounts, sessions and API keys (a login or a new key must work at once, not after the
  replica has caught up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("motcua_replica_reads", default=False)
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "contenttypes", "admin", "api", "audit"})


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if (
            _reading_replica.get()
            and replica_configured()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # a replica follows the primary's schema, it is never migrated


class ReplicaReadsMiddleware:
    """Requests under ``settings.MOTCUA_REPLICA_PATHS`` read from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(settings.MOTCUA_REPLICA_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            self.prefixes
            and request.method in ("GET", "HEAD")
            and (request.path.startswith(self.prefixes))
        ):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
