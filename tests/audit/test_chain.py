"""The audit trail detects every way of tampering with it, and reports the FIRST bad entry."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from motcua.audit.keys import audit_key
from motcua.audit.models import AuditEntry, AuditHead
from motcua.audit.services import (
    _canonical,
    audit_batch,
    audit_record,
    audit_verify,
    entry_body,
)
from tests.clidb import migrated_sqlite
from tests.tools import production_env

pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only (SQLite: detection by audit-verify)",
)


def chain(n: int = 5) -> list[AuditEntry]:
    with transaction.atomic():
        return [
            audit_record(
                actor=None,
                action="test.change",
                object_type="T",
                object_id=i,
                before={"v": i - 1},
                after={"v": i, "tên": "Bình Phước"},
            )
            for i in range(1, n + 1)
        ]


def raw(sql: str, params: list[Any] | None = None, *, bypass: bool = True) -> None:
    """Tamper as someone with direct database access would. On PostgreSQL that needs a
    superuser who switches the append-only triggers off (``session_replication_role``)."""
    with connection.cursor() as cur:
        if bypass and connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(sql, params or [])


@pytest.mark.django_db
def test_an_untouched_chain_is_intact() -> None:
    chain()
    v = audit_verify()
    assert v.ok and v.checked == 5 and v.code == ""
    assert [e.seq for e in AuditEntry.objects.all()] == [1, 2, 3, 4, 5]
    head = AuditHead.objects.get()
    assert head.count == 5 and head.last_hash == AuditEntry.objects.get(seq=5).hash


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("after", '{"v": 99}'),
        ("before", "null"),
        ("action", "test.other"),
        ("actor_label", "kẻ gian"),
        ("object_id", "77"),
        ("object_type", "U"),
        ("at", "2020-01-01 00:00:00"),
    ],
)
def test_an_edited_field_is_the_first_bad_entry(column: str, value: str) -> None:
    entries = chain()
    raw(f"UPDATE audit_auditentry SET {column} = %s WHERE id = %s", [value, entries[2].pk])  # noqa: S608
    v = audit_verify()
    assert not v.ok and v.seq == 3 and v.entry_id == entries[2].pk and v.code == "bad_hash"
    assert v.checked == 2


@pytest.mark.django_db
def test_a_changed_actor_id_is_detected(django_user_model: Any) -> None:
    entries = chain()
    other = django_user_model.objects.create(username="ke-gian")
    raw("UPDATE audit_auditentry SET actor_id = %s WHERE id = %s", [other.pk, entries[1].pk])
    v = audit_verify()
    assert (v.ok, v.seq, v.code) == (False, 2, "bad_hash")


@pytest.mark.django_db
def test_a_deleted_middle_entry_is_detected() -> None:
    entries = chain()
    raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    v = audit_verify()
    assert (v.ok, v.seq, v.code, v.checked) == (False, 2, "missing", 1)


@pytest.mark.django_db
def test_deleting_the_last_entries_is_detected_by_the_head() -> None:
    entries = chain()
    raw("DELETE FROM audit_auditentry WHERE id IN (%s, %s)", [entries[3].pk, entries[4].pk])
    v = audit_verify()
    assert (v.ok, v.seq, v.code, v.checked) == (False, 4, "truncated", 3)


@pytest.mark.django_db
def test_rolling_the_head_back_with_the_truncation_is_detected() -> None:
    entries = chain()
    raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[4].pk])
    raw("UPDATE audit_audithead SET count = 4, last_hash = %s", [entries[3].hash])
    v = audit_verify()
    assert (v.ok, v.code) == (False, "bad_head")


@pytest.mark.django_db
def test_a_forged_entry_without_the_key_is_detected() -> None:
    entries = chain(3)
    body = entry_body(
        seq=4,
        at=entries[2].at,
        actor_id=None,
        actor_label="hệ thống",
        action="test.change",
        object_type="T",
        object_id="4",
        before=None,
        after={"v": 4},
        prev_hash=entries[2].hash,
    )
    forged = hashlib.sha256(_canonical(body)).hexdigest()  # no key: plain SHA-256
    raw(
        "INSERT INTO audit_auditentry (seq, at, actor_label, action, object_type, object_id, "
        "before, after, prev_hash, hash) VALUES (4, %s, 'hệ thống', 'test.change', 'T', '4', "
        "NULL, %s, %s, %s)",
        [entries[2].at, json.dumps({"v": 4}), entries[2].hash, forged],
    )
    v = audit_verify()
    assert (v.ok, v.seq, v.code) == (False, 4, "bad_hash")


@pytest.mark.django_db
def test_an_entry_appended_behind_the_heads_back_is_detected() -> None:
    """Even with the key (an insider), a row added without moving the head is caught."""
    entries = chain(3)
    with transaction.atomic():
        audit_record(actor=None, action="test.change", object_type="T", object_id=4)
    head = AuditHead.objects.get()
    raw(
        "UPDATE audit_audithead SET count = %s, last_hash = %s, mac = %s",
        [3, entries[2].hash, _mac(3, entries[2].hash)],
    )
    assert head.count == 4
    v = audit_verify()
    assert (v.ok, v.code, v.seq) == (False, "beyond_head", 4)


def _mac(count: int, last: str) -> str:
    from motcua.audit.services import head_mac

    return head_mac(count, last)


@pytest.mark.django_db
def test_a_row_inserted_in_the_middle_is_detected() -> None:
    """Inserting between 2 and 3 means renumbering 3… : the renumbered entry breaks."""
    entries = chain()
    for e in reversed(entries[2:]):
        raw("UPDATE audit_auditentry SET seq = seq + 1 WHERE id = %s", [e.pk])
    raw(
        "INSERT INTO audit_auditentry (seq, at, actor_label, action, object_type, object_id, "
        "before, after, prev_hash, hash) VALUES (3, %s, 'x', 'test.change', 'T', '9', NULL, "
        "NULL, %s, %s)",
        [entries[1].at, entries[1].hash, "f" * 64],
    )
    v = audit_verify()
    assert (v.ok, v.seq, v.code) == (False, 3, "bad_hash")


@pytest.mark.django_db
def test_reordered_entries_are_detected() -> None:
    entries = chain()
    a, b = entries[1], entries[2]
    # swap the positions of two entries (their content moves with them)
    raw("UPDATE audit_auditentry SET seq = -1 WHERE id = %s", [a.pk])
    raw("UPDATE audit_auditentry SET seq = 2 WHERE id = %s", [b.pk])
    raw("UPDATE audit_auditentry SET seq = 3 WHERE id = %s", [a.pk])
    v = audit_verify()
    assert (v.ok, v.seq, v.entry_id) == (False, 2, b.pk)
    assert v.code in {"broken_link", "bad_hash"}


@pytest.mark.django_db
def test_swapping_row_ids_is_detected() -> None:
    entries = chain()
    a, b = entries[1], entries[2]
    raw("UPDATE audit_auditentry SET id = -5 WHERE id = %s", [a.pk])
    raw("UPDATE audit_auditentry SET id = %s WHERE id = %s", [a.pk, b.pk])
    raw("UPDATE audit_auditentry SET id = %s WHERE id = -5", [b.pk])
    v = audit_verify()
    assert (v.ok, v.seq, v.code) == (False, 3, "reordered")


@pytest.mark.django_db
def test_a_chain_recomputed_without_the_key_is_detected() -> None:
    """The attacker edits entry 2 and recomputes every later hash and the head, consistently,
    with a key of their own: the first entry sealed with the wrong key is reported."""
    entries = chain()
    wrong = b"not-the-real-key-0123456789abcdef"
    prev = entries[0].hash
    last = ""
    for e in AuditEntry.objects.filter(seq__gte=2).order_by("seq"):
        after = {"v": 1000} if e.seq == 2 else e.after
        body = entry_body(
            seq=e.seq,
            at=e.at,
            actor_id=e.actor_id,
            actor_label=e.actor_label,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            before=e.before,
            after=after,
            prev_hash=prev,
        )
        last = hmac.new(wrong, _canonical(body), hashlib.sha256).hexdigest()
        raw(
            "UPDATE audit_auditentry SET after = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [json.dumps(after), prev, last, e.pk],
        )
        prev = last
    head_body = {"head": 5, "last": last}
    raw(
        "UPDATE audit_audithead SET last_hash = %s, mac = %s",
        [last, hmac.new(wrong, _canonical(head_body), hashlib.sha256).hexdigest()],
    )
    v = audit_verify()
    assert (v.ok, v.seq, v.code) == (False, 2, "bad_hash")
    # the attacker's key does not make it whole either: entry 1 was sealed with the real one
    assert audit_verify(key=wrong).seq == 1


@pytest.mark.django_db
def test_an_edited_head_is_detected() -> None:
    chain()
    raw("UPDATE audit_audithead SET count = 9")
    assert audit_verify().code == "bad_head"


@pytest.mark.django_db(transaction=True)
@pytest.mark.once  # the commands run on a SQLite file of their own (tests/conftest.py)
def test_the_command_exits_non_zero_at_the_first_bad_entry(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, settings: Any
) -> None:
    db = tmp_path / "t.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "MOTCUA_VAR_DIR": str(tmp_path),
        "MOTCUA_AUDIT_KEY": "k" * 40,
    }
    motcua = [sys.executable, "-m", "motcua"]
    migrated_sqlite(tmp_path_factory, db)  # `motcua migrate`, run once a session
    code = (
        "import django; django.setup();"
        "from django.db import transaction;"
        "from motcua.audit.services import audit_record\n"
        "with transaction.atomic():\n"
        "    [audit_record(actor=None, action='a', object_type='T', object_id=i) "
        "for i in range(3)]"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "motcua.config.settings"},
        check=True,
    )
    ok = subprocess.run([*motcua, "audit-verify"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "nguyên vẹn: 3 mục" in ok.stdout
    import sqlite3

    with sqlite3.connect(db) as con:
        con.execute("UPDATE audit_auditentry SET object_id = 'x' WHERE seq = 2")
    bad = subprocess.run([*motcua, "audit-verify"], env=env, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "mục số 2" in bad.stderr and "bad_hash" in bad.stderr
    as_json = subprocess.run(
        [*motcua, "audit-verify", "--json"], env=env, capture_output=True, text=True
    )
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["seq"] == 2
    # another key: the whole trail is foreign
    other = subprocess.run(
        [*motcua, "audit-verify"],
        env={**env, "MOTCUA_AUDIT_KEY": "z" * 40},
        capture_output=True,
        text=True,
    )
    assert other.returncode == 1 and "mục số 1" in other.stderr


def test_production_refuses_to_start_without_the_key(tmp_path: Path) -> None:
    env = production_env(str(tmp_path), MOTCUA_AUDIT_KEY="")
    run = subprocess.run(
        [sys.executable, "-c", "import motcua.config.settings"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "MOTCUA_AUDIT_KEY" in run.stderr
    env["MOTCUA_AUDIT_KEY"] = "p" * 40
    ok = subprocess.run([sys.executable, "-c", "import motcua.config.settings"], env=env)
    assert ok.returncode == 0


def test_the_development_key_is_generated_once_private(tmp_path: Path, settings: Any) -> None:
    settings.MOTCUA_AUDIT_KEY = ""
    settings.VAR_DIR = tmp_path
    key = audit_key()
    path = tmp_path / "audit.key"
    assert len(key) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert audit_key() == key == path.read_text().encode()
    settings.MOTCUA_AUDIT_KEY = "x" * 40
    assert audit_key() == b"x" * 40


@pg_only
@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_of_entries() -> None:
    from django.db import DatabaseError

    entries = chain(2)
    for sql in (
        "UPDATE audit_auditentry SET after = NULL WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql, [entries[0].pk], bypass=False)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_audithead", bypass=False)
    with pytest.raises(DatabaseError, match="only move forward"), transaction.atomic():
        raw("UPDATE audit_audithead SET count = 1", bypass=False)
    assert audit_verify().ok and AuditEntry.objects.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL; SQLite's in-memory test database locks whole tables "
    "(and a file database serialises every writer anyway)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batched", [False, True], ids=["one-by-one", "batched"])
def test_two_transactions_appending_at_once_do_not_fork_the_chain(batched: bool) -> None:
    with transaction.atomic():
        audit_record(actor=None, action="start", object_type="T", object_id=0)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                with transaction.atomic():
                    if batched:  # two entries a transaction, appended together at its end
                        with audit_batch():
                            audit_record(actor=None, action=f"w{n}", object_type="T", object_id=i)
                            audit_record(actor=None, action=f"w{n}", object_type="U", object_id=i)
                    else:
                        audit_record(actor=None, action=f"w{n}", object_type="T", object_id=i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = 1 + 2 * 10 * (2 if batched else 1)
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prevs)) == total  # nobody chained onto the same predecessor twice
    if batched:  # a transaction's two entries stay side by side in the chain
        rows = list(AuditEntry.objects.filter(seq__gt=1).values_list("action", "object_id"))
        assert all(
            rows[k][0] == rows[k + 1][0] and rows[k][1] == rows[k + 1][1]
            for k in range(0, len(rows), 2)
        )
    assert audit_verify().ok


def _rec(action: str) -> None:
    audit_record(actor=None, action=action, object_type="T", object_id=action)


@pytest.mark.django_db
def test_a_batch_appends_its_entries_in_order_when_it_ends() -> None:
    _rec("before")
    with transaction.atomic(), audit_batch():
        _rec("a")
        with audit_batch():  # nested: the outermost batch appends
            _rec("b")
        _rec("c")
        assert AuditEntry.objects.count() == 1  # nothing written, nothing locked yet
    assert list(AuditEntry.objects.values_list("action", "seq")) == [
        ("before", 1),
        ("a", 2),
        ("b", 3),
        ("c", 4),
    ]
    assert AuditHead.objects.get().count == 4
    assert audit_verify().ok


@pytest.mark.django_db
def test_an_entry_of_a_savepoint_rolled_back_inside_a_batch_is_dropped_with_its_change() -> None:
    with transaction.atomic(), audit_batch():
        _rec("kept-1")
        try:
            with transaction.atomic():  # a nested step that fails; its error is handled
                _rec("rolled-back")
                with transaction.atomic():
                    _rec("rolled-back-inner")
                raise ValueError("the step failed")
        except ValueError:
            pass
        with transaction.atomic():  # a nested step that succeeds (savepoint released)
            _rec("kept-2")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["kept-1", "kept-2"]
    assert audit_verify().ok


@pytest.mark.django_db
def test_an_error_leaving_a_batch_appends_nothing() -> None:
    _rec("before")
    head = AuditHead.objects.get()
    with pytest.raises(ValueError, match="refused"), transaction.atomic(), audit_batch():
        _rec("lost")
        raise ValueError("refused")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["before"]
    assert AuditHead.objects.get().last_hash == head.last_hash
    with transaction.atomic():  # the chain goes on from where it was
        _rec("after")
    assert audit_verify().ok and AuditEntry.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_a_batch_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"), audit_batch():
        pass  # pragma: no cover - never reached


@pytest.mark.django_db
def test_the_nightly_task_fails_on_a_broken_trail_and_passes_an_intact_one() -> None:
    from motcua.config.celery import app
    from motcua.ops import tasks

    assert app.conf.beat_schedule["audit-verify"]["task"] == "motcua.audit_verify"
    entries = chain(4)
    assert tasks.audit_verify() == {"ok": True, "checked": len(entries)}
    raw("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["kẻ gian", entries[1].pk])
    with pytest.raises(RuntimeError, match="BỊ SỬA"):
        tasks.audit_verify()
