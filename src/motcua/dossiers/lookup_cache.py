"""The public look-up's answers kept in the shared cache, so that the portal's busiest request
reads no table when the same code has been looked up before (BENCHMARKS.md, issue 9).

An *entry* is filed under the code as the caller typed it (its normalised candidates) and holds
what the look-up needs to answer: whether a dossier has that code, the applicant's ID number and
phone as keyed hashes (HMAC with the installation's SECRET_KEY: the cache holds no personal number
in clear) and, once a caller gave the right second factor, the dossier's public answer.

An entry is valid only while the *marks* it was read under are still the current ones: one mark
per code, set to a new random value whenever a dossier with that code changes through the
services (``dossiers.services._tx._save``), is received (its code is given), is rated; and one
mark for every code at once, set anew after an import writes dossiers outside the services
(``legacy``). A mark is set at once and again when the transaction commits: a reader that read the
row before the commit filed its entry under a mark that is already void, so a changed dossier
is never answered from the cache. The entry's expiry (``TTL``) bounds only what a change outside
the services and imports could leave.

Marks are random, never counters: a mark evicted from the cache and set again cannot come back
to a value an old entry was filed under. A *missing* mark (never set, expired, or evicted while
entries filed under it survive) validates nothing: the reader that finds it missing sets one (a
new random value, ``cache.add`` so that concurrent readers agree) before it reads the row, and
files its entry under that; an entry is never filed under a missing mark. (Filing entries under
"no mark" let an entry kept from before a change come back to life once the change's mark was
evicted: the missing mark matched it again.)
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

#: seconds an entry is kept
TTL = 600
#: a mark outlives every entry filed under it
MARK_TTL = 3 * TTL
ALL = "portal:lookup:mark"
_SALT = "motcua.portal.lookup"
#: raised when ``Entry`` changes shape: entries pickled by another release are never read
_LAYOUT = 1


@dataclass
class Entry:
    """What the cache keeps for the code(s) a caller typed."""

    marks: tuple[Any, ...]
    pk: int | None  # None: no dossier has this code
    id_hash: str
    phone_hash: str
    rated: bool = False
    answer: Any = None  # the PublicDossier, once a caller gave the right second factor


def digest(value: str) -> str:
    """The keyed hash of a normalised ID number or phone; "" for an empty one. The same value as
    Django's ``salted_hmac(_SALT, value, algorithm="sha256")``, from a keyed HMAC prepared once
    per SECRET_KEY (a look-up makes four: the key's derivation was a third of their cost)."""
    if not value:
        return ""
    mac = _keyed(settings.SECRET_KEY).copy()
    mac.update(value.encode())
    return mac.hexdigest()


@functools.lru_cache(maxsize=4)
def _keyed(secret: str) -> hmac.HMAC:
    """``salted_hmac``'s key derivation (sha256 of the salt and the secret), done once."""
    key = hashlib.sha256(_SALT.encode() + secret.encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _mark_key(code: str) -> str:
    return f"portal:lookup:mark:{hashlib.sha256(code.encode()).hexdigest()[:40]}"


def _entry_key(candidates: list[str]) -> str:
    """Keyed like the hashes it holds: an entry written under another SECRET_KEY (a key
    rotated, another installation on the same cache) is never read, its hashes would not
    match."""
    return f"portal:lookup:entry{_LAYOUT}:" + digest("\x00".join(candidates))[:40]


def keys(candidates: list[str]) -> list[str]:
    """The cache keys ``read`` reads: the marks (every code's, then each candidate's), then the
    entry. The look-up fetches them with its attempt counter in one round trip
    (``portal.throttle.attempt_and_get``)."""
    return [ALL, *(_mark_key(c) for c in candidates), _entry_key(candidates)]


def read(
    candidates: list[str], fetched: dict[str, Any] | None = None
) -> tuple[Entry | None, tuple[Any, ...]]:
    """The valid entry for these candidates (or None) and the current marks: from ``fetched``
    (what the cache answered for ``keys(candidates)``), else in one round trip (one MGET on
    Redis)."""
    *marks_keys, ek = keys(candidates)
    got = fetched if fetched is not None else cache.get_many([*marks_keys, ek])
    marks = tuple(got.get(k) for k in marks_keys)
    if None in marks:
        # a missing mark validates nothing: set it now, before the caller reads the row
        return None, _marks_set(marks_keys, marks)
    entry = got.get(ek)
    if isinstance(entry, Entry) and entry.marks == marks:
        return entry, marks
    return None, marks


def _marks_set(marks_keys: list[str], marks: tuple[Any, ...]) -> tuple[Any, ...]:
    """The marks with every missing one set to a new random value, as the cache holds them (a
    concurrent reader or writer may have set one first: theirs is read back). A mark the cache
    still does not hold stays None, and nothing is filed under it (``write``)."""
    missing = [k for k, m in zip(marks_keys, marks, strict=True) if m is None]
    for k in missing:
        cache.add(k, secrets.token_hex(8), MARK_TTL)
    now = cache.get_many(missing)
    return tuple(now.get(k) if m is None else m for k, m in zip(marks_keys, marks, strict=True))


def write(candidates: list[str], entry: Entry) -> None:
    """File the entry, unless one of its marks is missing (it would validate nothing)."""
    if None in entry.marks:
        return
    cache.set(_entry_key(candidates), entry, TTL)


def _set_mark(key: str) -> None:
    cache.set(key, secrets.token_hex(8), MARK_TTL)


def changed(code: str | None) -> None:
    """Every entry of this dossier code is void: now, and again after the commit."""
    if not code:
        return
    key = _mark_key(code)
    _set_mark(key)
    transaction.on_commit(lambda: _set_mark(key))


def changed_all() -> None:
    """Every entry is void (an import wrote dossiers outside the services)."""
    _set_mark(ALL)
    transaction.on_commit(lambda: _set_mark(ALL))
