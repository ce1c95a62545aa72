"""Upgrading a database whose trail was written by the old code (plain SHA-256, no positions):
migration audit/0003 gives positions, reseals with the key and records whether the old chain
was intact."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from motcua.audit.services import audit_verify

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="migrating backwards on SQLite only (no triggers)"
)


def _old_hash(prev: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256((prev + body).encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("tampered", [False, True])
def test_old_entries_are_resealed_and_the_old_verdict_recorded(tampered: bool) -> None:
    old = [("audit", "0002_vietnamese_verbose_names")]
    executor = MigrationExecutor(connection)
    executor.migrate(old)
    apps = executor.loader.project_state(old).apps
    entry = apps.get_model("audit", "AuditEntry")
    prev = "0" * 64
    for i in range(3):
        at = timezone.now()
        payload = {
            "at": at.isoformat(),
            "actor": "hệ thống",
            "action": "old.action",
            "object_type": "T",
            "object_id": str(i),
            "before": None,
            "after": {"i": i},
        }
        h = _old_hash(prev, payload)
        entry.objects.create(
            at=at,
            actor_label="hệ thống",
            action="old.action",
            object_type="T",
            object_id=str(i),
            after={"i": 99 if (tampered and i == 1) else i},
            prev_hash=prev,
            hash=h,
        )
        prev = h
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from motcua.audit.models import AuditEntry

    rows = list(AuditEntry.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[-1].action == "audit.reseal"
    assert rows[-1].after == {"entries": 3, "old_chain_intact": not tampered}
    assert audit_verify().ok
