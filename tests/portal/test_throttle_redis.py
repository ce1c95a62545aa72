"""The look-up limit on the production cache (Redis, MOTCUA_CACHE_URL): one round trip per
attempt (INCR + EXPIRE pipelined) and the same limit as on the per-process cache."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from motcua.portal import throttle

REDIS = "redis://127.0.0.1:6379/9"


@pytest.fixture
def redis_cache(settings: Any) -> Any:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "motcua.core.cache.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": "motcua-test-throttle",
        }
    }
    backend = caches["default"]
    keys = [throttle._key("lookup", ip) for ip in ("10.9.9.9", "10.9.9.8")]
    backend.delete_many(keys)  # not clear(): that empties the whole Redis database
    yield backend
    backend.delete_many(keys)


def test_redis_counter_is_one_round_trip_and_limits(redis_cache: Any, settings: Any) -> None:
    settings.MOTCUA_LOOKUP_RATE = (3, 600)
    request = RequestFactory().post("/tra-cuu/", REMOTE_ADDR="10.9.9.9")
    client = redis_cache._cache.get_client(write=True)
    assert client is redis_cache._cache.get_client(write=True)  # one client object, kept
    sent: list[Any] = []
    real = type(client).pipeline

    def counting(self: Any, *a: Any, **kw: Any) -> Any:
        pipe = real(self, *a, **kw)
        sent.append(pipe)
        return pipe

    type(client).pipeline = counting  # type: ignore[method-assign]
    try:
        waits = [throttle.attempt(request) for _ in range(4)]
    finally:
        type(client).pipeline = real  # type: ignore[method-assign]
    assert waits[:3] == [None, None, None]
    assert waits[3] is not None and 1 <= waits[3] <= 600
    assert len(sent) == 4  # one pipelined round trip per attempt
    key = throttle._key("lookup", "10.9.9.9")
    assert redis_cache.get(key) == 4  # an integer the cache's own API reads
    assert 0 < client.ttl(redis_cache.make_and_validate_key(key)) <= 601
    # another address has its own counter
    other = RequestFactory().post("/tra-cuu/", REMOTE_ADDR="10.9.9.8")
    assert throttle.attempt(other) is None


@pytest.mark.django_db
def test_the_api_look_up_on_redis_is_one_round_trip_when_kept(
    redis_cache: Any, settings: Any, world: Any
) -> None:
    """On Redis the counter and the kept answer come back in one pipelined round trip, with no
    query; a change through the services voids the kept answer at once."""
    import json

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from redis.client import Pipeline

    from motcua.dossiers.services import step_complete
    from tests.dossiers.conftest import at
    from tests.portal.conftest import receive

    settings.MOTCUA_LOOKUP_RATE = (100, 600)
    d = receive(world)
    body = json.dumps({"code": d.code, "factor": "070123456789"})
    c = Client(REMOTE_ADDR="10.9.9.9")

    def look() -> Any:
        r = c.post("/api/v1/lookup/", body, content_type="application/json")
        assert r.status_code == 200, r.content
        return r.json()

    first = look()
    client = redis_cache._cache.get_client(write=True)
    calls: list[str] = []
    real_pipeline, real_mget = type(client).pipeline, type(client).mget

    def pipeline(self: Any, *a: Any, **kw: Any) -> Any:
        calls.append("pipeline")
        return real_pipeline(self, *a, **kw)

    def mget(self: Any, *a: Any, **kw: Any) -> Any:
        if not isinstance(self, Pipeline):  # inside the pipeline it is the same round trip
            calls.append("mget")
        return real_mget(self, *a, **kw)

    type(client).pipeline, type(client).mget = pipeline, mget  # type: ignore[method-assign]
    try:
        with CaptureQueriesContext(connection) as q:
            again = look()
    finally:
        type(client).pipeline, type(client).mget = real_pipeline, real_mget  # type: ignore[method-assign]
    assert again == first
    assert calls == ["pipeline"] and len(q.captured_queries) == 0
    step_complete(actor=world.users["specialist"], dossier=d, now=at("2026-06-02 09:00"))
    after = look()
    assert len(after["steps"]) > len(first["steps"])
