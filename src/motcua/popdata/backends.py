"""Asking the national population database: one small interface, a backend chosen by
``MOTCUA_POPDATA_BACKEND`` (as the SMS backends of ``integrations.sms``).

A backend is a class with ``verify(*, id_number, full_name, birth_date) -> Result``. It never
raises for a remote problem: a refused connection, a timeout, a 5xx, a refused token or an
answer that is not the protocol's is ``Result(outcome="unavailable", reason=…)``; intake goes on.

- ``HttpBackend``: the platform's protocol (NDXP / LGSP, docs/popdata.md): an OAuth2
  client-credentials token from ``MOTCUA_POPDATA_TOKEN_URL`` (kept until it expires, fetched
  again once on a 401), then ``POST MOTCUA_POPDATA_URL`` with the JSON request; every call with
  the short timeout ``MOTCUA_POPDATA_TIMEOUT`` (seconds).
- ``DemoBackend``: the same verdicts from the fake's dataset, in process (the demo without the
  fake server running).
- ``DisabledBackend``: always "unavailable" (a province not yet connected).

``verify()`` wraps the backend: answers (match / mismatch) are cached for
``MOTCUA_POPDATA_CACHE_SECONDS`` by the digest of the inputs, and a circuit breaker answers
"unavailable" at once for ``MOTCUA_POPDATA_BREAKER_SECONDS`` after
``MOTCUA_POPDATA_BREAKER_FAILURES`` failures in a row, so a dead service costs the counter one
timeout, not one per applicant. Both live in Django's cache (per process with the default
local-memory cache; shared with a shared cache).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.core.text import json_loads, nfc
from motcua.popdata.matching import id_key, inputs_digest

log = logging.getLogger("motcua.popdata")

MATCH, MISMATCH, UNAVAILABLE = "match", "mismatch", "unavailable"
FIELDS = ("id_number", "name", "birth_date")


@dataclass(frozen=True)
class Result:
    outcome: str  # match | mismatch | unavailable
    mismatched: tuple[str, ...] = ()  # of FIELDS: which ones the database does not confirm
    checked: tuple[str, ...] = ()  # of FIELDS: which ones were asked
    reference: str = ""  # the platform's transaction id
    reason: str = ""  # why unavailable: connection | timeout | http_500 | bad_token | …
    checked_at: dt.datetime = field(default_factory=timezone.now)
    cached: bool = False


def _unavailable(reason: str) -> Result:
    return Result(outcome=UNAVAILABLE, reason=reason)


def result_from_answer(answer: Any, birth_date: dt.date | None) -> Result:
    """The protocol's answer body as a Result (a body that is not one: unavailable)."""
    if not isinstance(answer, dict):
        return _unavailable("bad_answer")
    if str(answer.get("maLoi")) != "00":
        return _unavailable("remote_error")
    verdict = answer.get("ketQua")
    if not isinstance(verdict, dict) or not isinstance(verdict.get("tonTai"), bool):
        return _unavailable("bad_answer")
    checked = FIELDS if birth_date else FIELDS[:2]
    ref = str(answer.get("maGiaoDich", ""))[:100]
    if not verdict["tonTai"]:
        return Result(outcome=MISMATCH, mismatched=("id_number",), checked=checked, reference=ref)
    mismatched = []
    if verdict.get("hoVaTen") is not True:
        mismatched.append("name")
    if birth_date and verdict.get("ngaySinh") is not True:
        mismatched.append("birth_date")
    return Result(
        outcome=MISMATCH if mismatched else MATCH,
        mismatched=tuple(mismatched),
        checked=checked,
        reference=ref,
    )


def request_body(id_number: str, full_name: str, birth_date: dt.date | None) -> dict[str, str]:
    return {
        "maYeuCau": str(uuid.uuid4()),
        "maDonVi": getattr(settings, "MOTCUA_POPDATA_CLIENT_ID", ""),
        "soDinhDanh": id_key(id_number),
        "hoVaTen": nfc(full_name),
        "ngaySinh": birth_date.isoformat() if birth_date else "",
    }


class Backend(Protocol):
    def verify(self, *, id_number: str, full_name: str, birth_date: dt.date | None) -> Result: ...


class DisabledBackend:
    def verify(self, *, id_number: str, full_name: str, birth_date: dt.date | None) -> Result:
        return _unavailable("not_configured")


class DemoBackend:
    """The fake's verdicts without HTTP (``fake.answer`` over its dataset)."""

    def verify(self, *, id_number: str, full_name: str, birth_date: dt.date | None) -> Result:
        from motcua.popdata.fake import answer, dataset

        body = request_body(id_number, full_name, birth_date)
        return result_from_answer(answer(dataset(), body), birth_date)


class _Failed(Exception):
    def __init__(self, reason: str, status: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


TOKEN_KEY = "popdata:token"  # noqa: S105 - a cache key, not a secret


class HttpBackend:
    """The platform's protocol over HTTP (module docstring, docs/popdata.md)."""

    def __init__(self) -> None:
        self.token_url = getattr(settings, "MOTCUA_POPDATA_TOKEN_URL", "")
        self.url = getattr(settings, "MOTCUA_POPDATA_URL", "")
        self.client_id = getattr(settings, "MOTCUA_POPDATA_CLIENT_ID", "")
        self.client_secret = getattr(settings, "MOTCUA_POPDATA_CLIENT_SECRET", "")
        self.timeout = float(getattr(settings, "MOTCUA_POPDATA_TIMEOUT", 3))

    def _post(self, url: str, data: bytes, headers: dict[str, str]) -> Any:
        request = urllib.request.Request(url, data=data, method="POST", headers=headers)  # noqa: S310 - the operator's setting
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise _Failed(f"http_{exc.code}", exc.code) from None
        except TimeoutError:
            raise _Failed("timeout") from None
        except urllib.error.URLError as exc:
            timed_out = isinstance(exc.reason, TimeoutError) or "timed out" in str(exc.reason)
            raise _Failed("timeout" if timed_out else "connection") from None
        except OSError:  # reset by peer, …
            raise _Failed("connection") from None
        try:
            return json_loads(raw)
        except ValueError:
            raise _Failed("bad_answer") from None

    def _token(self, *, fresh: bool = False) -> str:
        if not fresh:
            kept = cache.get(TOKEN_KEY)
            if kept:
                return str(kept)
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        try:
            answer = self._post(
                self.token_url,
                urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Authorization": f"Basic {basic}",
                    "Accept": "application/json",
                },
            )
        except _Failed as exc:
            if exc.status in (400, 401, 403):
                raise _Failed("bad_token", exc.status) from None
            raise
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise _Failed("bad_token")
        try:
            lifetime = int(answer.get("expires_in", 300))
        except (TypeError, ValueError):
            lifetime = 300
        if lifetime > 30:  # keep it a little less long than the platform does
            cache.set(TOKEN_KEY, token, lifetime - 30)
        return token

    def verify(self, *, id_number: str, full_name: str, birth_date: dt.date | None) -> Result:
        if not (self.url.startswith(("http://", "https://")) and self.token_url):
            return _unavailable("not_configured")
        body = json.dumps(request_body(id_number, full_name, birth_date), ensure_ascii=False)
        try:
            for attempt in (1, 2):
                headers = {
                    "Content-Type": "application/json; charset=utf-8",
                    "Accept": "application/json",
                    "Authorization": f"Bearer {self._token(fresh=attempt == 2)}",
                }
                try:
                    answer = self._post(self.url, body.encode(), headers)
                    break
                except _Failed as exc:
                    if exc.status != 401 or attempt == 2:
                        raise
                    cache.delete(TOKEN_KEY)  # expired or revoked: one new token, one retry
        except _Failed as exc:
            log.warning("population database unavailable: %s", exc.reason)
            return _unavailable(exc.reason)
        return result_from_answer(answer, birth_date)


# ---- the wrapper: cache and circuit breaker ------------------------------------------------------

FAILS_KEY = "popdata:breaker:fails"
OPEN_KEY = "popdata:breaker:open_until"


def backend() -> Backend:
    path = getattr(settings, "MOTCUA_POPDATA_BACKEND", "motcua.popdata.backends.DisabledBackend")
    cls: Any = import_string(path)
    return cls()  # type: ignore[no-any-return]


def breaker_open() -> bool:
    until = cache.get(OPEN_KEY)
    return bool(until and until > time.time())


def breaker_reset() -> None:
    cache.delete_many([FAILS_KEY, OPEN_KEY])


def _failed() -> None:
    seconds = int(getattr(settings, "MOTCUA_POPDATA_BREAKER_SECONDS", 60))
    limit = int(getattr(settings, "MOTCUA_POPDATA_BREAKER_FAILURES", 3))
    cache.add(FAILS_KEY, 0, seconds * 10)
    try:
        fails = cache.incr(FAILS_KEY)
    except ValueError:  # expired between add and incr
        cache.set(FAILS_KEY, 1, seconds * 10)
        fails = 1
    if fails >= limit:
        cache.set(OPEN_KEY, time.time() + seconds, seconds)
        # half-open afterwards: one trial call; if it fails too, the circuit opens again at once
        cache.set(FAILS_KEY, limit - 1, seconds * 10)
        log.warning("population database: circuit open for %s s after %s failures", seconds, fails)


def verify(*, id_number: str, full_name: str, birth_date: dt.date | None) -> Result:
    """The verdict for these inputs: cached, or from the backend unless the breaker is open."""
    key = "popdata:result:" + inputs_digest(id_number, full_name, birth_date)
    kept = cache.get(key)
    if isinstance(kept, Result):
        return replace(kept, cached=True, checked_at=timezone.now())
    asked = FIELDS if birth_date else FIELDS[:2]
    if breaker_open():
        return replace(_unavailable("circuit_open"), checked=asked)
    result = backend().verify(id_number=id_number, full_name=full_name, birth_date=birth_date)
    result = replace(result, checked=asked)
    if result.outcome == UNAVAILABLE:
        if result.reason != "not_configured":
            _failed()
        return result
    cache.delete(FAILS_KEY)
    seconds = int(getattr(settings, "MOTCUA_POPDATA_CACHE_SECONDS", 300))
    if seconds > 0:
        cache.set(key, result, seconds)
    return result
