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
