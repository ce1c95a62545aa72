"""Writing to the audit trail. Called inside the caller's transaction, never on its own."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from motcua.audit.models import AuditEntry, AuditHead


def _digest(prev: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256((prev + body).encode()).hexdigest()


def _payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
    }


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    object_type: str,
    object_id: object,
    before: Any = None,
    after: Any = None,
    label: str | None = None,
) -> AuditEntry:
    """Append one entry, chained to the previous one by SHA-256."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    real_actor = actor if actor is not None and getattr(actor, "pk", None) else None
    entry = AuditEntry(
        at=timezone.now(),
        actor=real_actor,  # type: ignore[misc]
        actor_label=label or (actor.get_username() if real_actor is not None else "hệ thống"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=head.last_hash,
    )
    entry.hash = _digest(head.last_hash, _payload(entry))
    entry.save()
    head.last_hash = entry.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return entry


def audit_verify() -> tuple[bool, int]:
    """Walk the chain; returns (intact, number of entries checked)."""
    prev = "0" * 64
    n = 0
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.prev_hash != prev or entry.hash != _digest(prev, _payload(entry)):
            return False, n
        prev = entry.hash
        n += 1
    return True, n
