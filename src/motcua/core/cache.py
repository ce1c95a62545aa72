"""Django's Redis cache with one Redis client object per process and server.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` on every cache operation
(on its shared connection pool); with redis-py 6+ that object costs about 2 ms of CPU to build,
more than the round trip itself — a public look-up made two such operations (BENCHMARKS.md,
issue 9). The client is thread-safe and stateless over its pool, so it is built once and kept.
``MOTCUA_CACHE_URL`` selects this backend (settings.CACHES).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as _DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClients(RedisCacheClient):
    def __init__(self, servers: Any, **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            pool = self._pools[index]
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class RedisCache(_DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClients
