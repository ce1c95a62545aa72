"""A per-client counter for the dossier look-up (web and API alike): a fixed window in the
default cache, ``settings.MOTCUA_LOOKUP_RATE`` = (tries, seconds). Every attempt counts, found or
not, so the counter itself tells nothing about which codes exist.

Other public doors count with the same machinery under their own scope and rate (``rate``), and
may name whom they count (``who``: a logged-in account) instead of the client's address: the
feedback form (``feedback.views.submit``, ``MOTCUA_FEEDBACK_RATE``), the verification of signed
results (``esign.views.verify``)."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with ``MOTCUA_PROXY_HOPS`` = n trusted proxies the n-th address from the
    right of X-Forwarded-For (the one the nearest trusted proxy saw)."""
    hops = int(getattr(settings, "MOTCUA_PROXY_HOPS", 0))
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    if hops <= 0:
        return remote
    chain = [p.strip() for p in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    chain = [p for p in chain if p]
    return chain[-hops] if len(chain) >= hops else remote


_WITH_PORT = re.compile(r"^\[(?P<v6>[0-9A-Fa-f:.]+)\](?::\d+)?$|^(?P<v4>[0-9.]+):\d+$")


def subscriber(ip: str) -> str:
    """The client a counter counts: an IPv6 address by its /64 (what one home or one phone is
    given: 2^64 addresses to try from), an IPv4 address mapped into IPv6 as the IPv4 address, a
    port some proxies add dropped; anything else as it is."""
    text = ip.strip()
    bare = _WITH_PORT.match(text)
    if bare is not None:
        text = bare.group("v6") or bare.group("v4")
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _key(scope: str, ip: str, window: int | None = None, *, who: str | None = None) -> str:
    """The counter of the client at ``ip`` (``subscriber``), or of ``who`` when given, in the
    current window (default ``MOTCUA_LOOKUP_RATE``'s)."""
    window = settings.MOTCUA_LOOKUP_RATE[1] if window is None else window
    bucket = int(time.time()) // max(1, window)
    counted = subscriber(ip) if who is None else who
    digest = hashlib.sha256(counted.encode("utf-8", "replace")).hexdigest()[:32]
    return f"portal:throttle:{scope}:{bucket}:{digest}"


def attempt(
    request: HttpRequest,
    scope: str = "lookup",
    *,
    rate: tuple[int, int] | None = None,
    who: str | None = None,
) -> int | None:
    """Count one attempt; None when allowed, else the seconds to wait before the next one.
    ``rate``: (tries, seconds), default ``MOTCUA_LOOKUP_RATE``; ``who``: the identity counted,
    default the client's address (``subscriber``: an IPv6 client by its /64)."""
    return attempt_and_get(request, [], scope, rate=rate, who=who)[0]


def attempt_and_get(
    request: HttpRequest,
    keys: list[str],
    scope: str = "lookup",
    *,
    rate: tuple[int, int] | None = None,
    who: str | None = None,
) -> tuple[int | None, dict[str, Any]]:
    """``attempt``, and the cache's ``get_many(keys)`` with it: on Redis one round trip for both
    (INCR, EXPIRE and MGET pipelined — the look-up's whole conversation with the cache when its
    answer is kept: ``dossiers.lookup_cache``, BENCHMARKS.md); elsewhere one after the other."""
    tries, window = rate or settings.MOTCUA_LOOKUP_RATE
    key = _key(scope, client_ip(request) if who is None else "", window, who=who)
    backend = caches["default"]
    got: dict[str, Any] = {}
    if isinstance(backend, RedisCache):
        full = backend.make_and_validate_key(key)
        wanted = [backend.make_and_validate_key(k) for k in keys]
        client = backend._cache.get_client(full, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.incr(full)
        pipe.expire(full, window + 1)
        if wanted:
            pipe.mget(wanted)
        replies = pipe.execute()
        n = int(replies[0])
        if wanted:
            loads = backend._cache._serializer.loads
            got = {k: loads(v) for k, v in zip(keys, replies[2], strict=True) if v is not None}
    else:
        n = _count(key, window + 1)
        if keys:
            got = cache.get_many(keys)
    if n <= tries:
        return None, got
    return max(1, window - int(time.time()) % max(1, window)), got


def _count(key: str, ttl: int) -> int:
    """Add one to the window's counter and return it, through the cache's API (the per-process
    cache of development and tests; on Redis ``attempt_and_get`` pipelines INCR and EXPIRE)."""
    cache.add(key, 0, timeout=ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=ttl)
        return 1
