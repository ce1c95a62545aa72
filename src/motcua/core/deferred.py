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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models, transaction

T = TypeVar("T")


def _noop() -> None:
    """What a marker does after the commit: nothing."""


def mark() -> Callable[[], None]:
    """A new marker registered with ``on_commit`` in the current savepoint."""
    marker = functools.partial(_noop)  # a new object each time: its presence is its row's alone
    transaction.on_commit(marker)
    return marker


def surviving(pending: Sequence[tuple[T, Callable[[], None]]]) -> list[T]:
    """The items whose markers were not discarded by a savepoint rollback, in order."""
    if not pending:
        return []
    alive = {id(func) for _sids, func, _robust in transaction.get_connection().run_on_commit}
    return [item for item, marker in pending if id(marker) in alive]


_inserts: contextvars.ContextVar[list[tuple[models.Model, Callable[[], None]]] | None] = (
    contextvars.ContextVar("motcua_deferred_inserts", default=None)
)


@contextmanager
def deferred_inserts() -> Iterator[None]:
    """Rows given to ``insert`` inside are written when the block ends normally, in the order
    given, one ``bulk_create`` per model (nested uses leave it to the outermost)."""
    if _inserts.get() is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("deferred_inserts must run inside the operation's transaction")
    pending: list[tuple[models.Model, Callable[[], None]]] = []
    token = _inserts.set(pending)
    try:
        yield
    finally:
        _inserts.reset(token)
    by_model: dict[type[models.Model], list[Any]] = {}
    for row in surviving(pending):
        by_model.setdefault(type(row), []).append(row)
    for model, rows in by_model.items():
        model._default_manager.bulk_create(rows)


def insert(row: models.Model) -> None:
    """Write a new row now, or at the end of the enclosing ``deferred_inserts`` (no primary key
    until then: for rows nothing else in the operation refers to, such as outbox messages)."""
    pending = _inserts.get()
    if pending is None:
        row.save(force_insert=True)
    else:
        pending.append((row, mark()))
