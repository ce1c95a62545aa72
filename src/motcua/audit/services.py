"""Writing to and checking the audit trail. Appends run inside the caller's transaction.

One chain for the whole system: every entry is sealed by an HMAC-SHA256 (key: ``audit_key()``)
over all its fields — position, time, actor id and label, action, object, before, after — and
the previous entry's hash. The head row (``AuditHead``) keeps the last position and hash, sealed
too, and is locked (``SELECT … FOR UPDATE``) by every append, so two transactions appending at
once queue behind each other instead of forking the chain.

Inside ``audit_batch()`` (an operation that writes several entries: a counter intake writes
two) the entries are kept and appended together when the batch ends, still in the operation's
transaction: the head is locked once, for the end of the transaction only, instead of from the
first entry to the commit — every transaction of the system queues on that one row.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from motcua.audit.keys import audit_key
from motcua.audit.models import GENESIS, AuditEntry, AuditHead
from motcua.core.deferred import Pending, collect, collecting


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    ).encode()


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def entry_body(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> dict[str, Any]:
    """Every field of an entry, as hashed (the hash itself and the row id excepted)."""
    return {
        "seq": seq,
        "at": _at(at),
        "actor_id": actor_id,
        "actor": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "prev": prev_hash,
    }


def seal(body: dict[str, Any], key: bytes | None = None) -> str:
    return hmac.new(key or audit_key(), _canonical(body), hashlib.sha256).hexdigest()


def head_mac(count: int, last_hash: str, key: bytes | None = None) -> str:
    return seal({"head": count, "last": last_hash}, key)


def _entry_hash(entry: AuditEntry, key: bytes) -> str:
    return seal(
        entry_body(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            before=entry.before,
            after=entry.after,
            prev_hash=entry.prev_hash,
        ),
        key,
    )


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1, defaults={"mac": head_mac(0, GENESIS)})
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


#: the entries of the enclosing ``audit_batch``, each with its marker
_batch: contextvars.ContextVar[Pending | None] = contextvars.ContextVar(
    "motcua_audit_batch", default=None
)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Entries recorded inside are appended to the chain together when the block ends normally,
    in the caller's transaction and in the order they were recorded (nested uses leave it to the
    outermost). Use it directly inside the operation's ``transaction.atomic()``: an exception
    leaving the block drops the entries, and the atomic block rolls back what they recorded.

    An entry recorded inside a savepoint that was rolled back afterwards (a nested ``atomic``
    whose error was caught) is dropped too, as its change was (``core.deferred``: a marker
    registered with ``on_commit``, which Django discards with the savepoint)."""
    with collecting(_batch, _chain, "audit_batch"):
        yield


def _chain(entries: list[AuditEntry]) -> None:
    """Seal the entries in order after the chain's head and write them, the head moved on."""
    if not entries:
        return
    key = audit_key()
    head = _locked_head()
    for entry in entries:
        entry.seq = head.count + 1
        entry.prev_hash = head.last_hash
        entry.hash = _entry_hash(entry, key)
        head.count, head.last_hash = entry.seq, entry.hash
    AuditEntry.objects.bulk_create(entries)
    head.mac = head_mac(head.count, head.last_hash, key)
    head.save(update_fields=["last_hash", "count", "mac"])


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    object_type: str,
    object_id: object,
    before: Any = None,
    after: Any = None,
    label: str | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry, chained to the previous one, in the caller's transaction (inside an
    ``audit_batch``: when the batch ends; the entry returned has no position yet)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    real_actor = actor if actor is not None and getattr(actor, "pk", None) else None
    entry = AuditEntry(
        at=at or timezone.now(),
        actor=real_actor,  # type: ignore[misc]
        actor_label=(label or (real_actor.get_username() if real_actor else "hệ thống"))[:200],
        action=action[:80],
        object_type=object_type[:80],
        object_id=str(object_id)[:80],
        before=_jsonable(before),
        after=_jsonable(after),
    )
    if not collect(_batch, entry):
        _chain([entry])
    return entry


# ---- checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int  # entries found intact before the first bad one
    seq: int | None = None  # position of the first bad entry (or where one is missing)
    entry_id: int | None = None
    code: str = ""
    message: str = ""

    def line(self) -> str:
        if self.ok:
            return f"Nhật ký kiểm toán nguyên vẹn: {self.checked} mục."
        where = f"mục số {self.seq}" if self.seq is not None else "đầu chuỗi"
        row = f" (id {self.entry_id})" if self.entry_id is not None else ""
        return f"Nhật ký kiểm toán BỊ SỬA: {where}{row} — {self.message} [{self.code}]"


def audit_verify(*, key: bytes | None = None) -> Verdict:
    """Walk the chain in order of position and report the FIRST bad entry: edited (hash),
    recomputed without the key (hash), deleted (a gap), inserted (a duplicate or extra
    position, a broken link), reordered (a broken link, ids out of order), or truncated (the
    head is ahead of the last entry). The head itself must carry a valid seal."""
    key = key or audit_key()
    prev_hash = GENESIS
    prev_id = 0
    expected = 1
    rows = AuditEntry.objects.order_by("seq", "id")
    for e in rows.iterator(chunk_size=5000):
        bad = None
        if e.seq < expected:
            bad = ("inserted", "vị trí trùng với một mục khác (mục bị chèn thêm)")
        elif e.seq > expected:
            return Verdict(
                False,
                expected - 1,
                expected,
                None,
                "missing",
                f"thiếu mục số {expected}–{e.seq - 1} (mục bị xóa)",
            )
        elif e.prev_hash != prev_hash:
            bad = ("broken_link", "không nối vào mục trước (mục bị chèn, xóa hoặc đổi thứ tự)")
        elif not hmac.compare_digest(e.hash, _entry_hash(e, key)):
            bad = ("bad_hash", "mã băm không khớp nội dung (mục bị sửa hoặc chuỗi bị tính lại)")
        elif e.id <= prev_id:
            bad = ("reordered", "thứ tự lưu không khớp thứ tự chuỗi (mục bị đổi chỗ)")
        if bad:
            return Verdict(False, expected - 1, e.seq, e.id, *bad)
        prev_hash, prev_id = e.hash, e.id
        expected += 1
    count = expected - 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if count:
            return Verdict(False, count, None, None, "no_head", "mất đầu chuỗi")
        return Verdict(True, 0)
    if not hmac.compare_digest(head.mac, head_mac(head.count, head.last_hash, key)):
        return Verdict(False, count, None, None, "bad_head", "đầu chuỗi bị sửa")
    if head.count > count:
        return Verdict(
            False,
            count,
            count + 1,
            None,
            "truncated",
            f"chuỗi bị cắt: đầu chuỗi ghi {head.count} mục, chỉ còn {count}",
        )
    if head.count < count or head.last_hash != prev_hash:
        return Verdict(
            False,
            count,
            head.count + 1 if head.count < count else head.count,
            None,
            "beyond_head",
            "các mục cuối không khớp đầu chuỗi (mục bị thêm vào cuối)",
        )
    return Verdict(True, count)
