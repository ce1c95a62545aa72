"""Rows an operation writes once, at its end, instead of one statement each as it goes.

An intake writes three outbox rows and two audit entries; written at the end, they are one
statement each kind (issue 9: the counter intake's cost is spread over its ~40 statements).
What was recorded inside a savepoint that was rolled back afterwards (a nested ``atomic`` whose
error was caught) is dropped with it: each row registers a marker with ``transaction.on_commit``,
Django discards the callbacks registered inside a savepoint it rolls back, and a row is written
only if its marker is still there. An exception leaving the block drops everything recorded in
it; use the block directly inside the operation's ``transaction.atomic()``, which rolls back the
changes those rows were about.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models, transaction


def _noop() -> None:
    """What a marker does after the commit: nothing."""


#: what a collecting block keeps: each item with its marker
Pending = list[tuple[Any, Callable[[], None]]]


def _surviving(pending: Pending) -> list[Any]:
    """The items whose markers were not discarded by a savepoint rollback, in order."""
    if not pending:
        return []
    alive = {id(func) for _sids, func, _robust in transaction.get_connection().run_on_commit}
    return [item for item, marker in pending if id(marker) in alive]


@contextmanager
def collecting(
    var: contextvars.ContextVar[Pending | None], flush: Callable[[list[Any]], None], what: str
) -> Iterator[None]:
    """The block that items given to ``collect(var, …)`` inside wait for: when it ends normally,
    ``flush`` gets those that survived, in order (nested uses leave it to the outermost; an
    exception leaving it drops them all). ``what`` names the caller in the refusal outside a
    transaction. ``audit.services.audit_batch`` and ``deferred_inserts`` are made of it."""
    if var.get() is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} must run inside the transaction of the changes it records")
    pending: Pending = []
    token = var.set(pending)
    try:
        yield
    finally:
        var.reset(token)
    flush(_surviving(pending))


def collect(var: contextvars.ContextVar[Pending | None], item: Any) -> bool:
    """Keep ``item`` for the enclosing ``collecting`` block, with a new marker registered with
    ``on_commit`` in the current savepoint; False (nothing kept) outside one."""
    pending = var.get()
    if pending is None:
        return False
    pending.append((item, functools.partial(_noop)))  # a new object: its presence is the item's
    transaction.on_commit(pending[-1][1])
    return True


_inserts: contextvars.ContextVar[Pending | None] = contextvars.ContextVar(
    "motcua_deferred_inserts", default=None
)


def _write(rows: list[models.Model]) -> None:
    by_model: dict[type[models.Model], list[Any]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for model, same in by_model.items():
        model._default_manager.bulk_create(same)


@contextmanager
def deferred_inserts() -> Iterator[None]:
    """Rows given to ``insert`` inside are written when the block ends normally, in the order
    given, one ``bulk_create`` per model (nested uses leave it to the outermost)."""
    with collecting(_inserts, _write, "deferred_inserts"):
        yield


def insert(row: models.Model) -> None:
    """Write a new row now, or at the end of the enclosing ``deferred_inserts`` (no primary key
    until then: for rows nothing else in the operation refers to, such as outbox messages)."""
    if not collect(_inserts, row):
        row.save(force_insert=True)
