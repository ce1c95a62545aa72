"""Rows written at the end of an operation (core.deferred): in order, and only those whose
change survived — a savepoint rolled back inside the operation drops its rows with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from motcua.core.deferred import deferred_inserts, insert
from motcua.dossiers.models import Outbox

AT = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


def _row(topic: str) -> Outbox:
    return Outbox(topic=topic, created_at=AT, payload={"t": topic})


def _topics() -> list[str]:
    return list(Outbox.objects.order_by("id").values_list("topic", flat=True))


@pytest.mark.django_db
def test_rows_are_written_in_order_when_the_block_ends() -> None:
    with transaction.atomic(), deferred_inserts():
        insert(_row("a"))
        with deferred_inserts():  # nested: the outermost writes
            insert(_row("b"))
        insert(_row("c"))
        assert _topics() == []
    assert _topics() == ["a", "b", "c"]


@pytest.mark.django_db
def test_outside_a_block_a_row_is_written_at_once() -> None:
    with transaction.atomic():
        insert(_row("now"))
        assert _topics() == ["now"]


@pytest.mark.django_db
def test_a_row_of_a_savepoint_rolled_back_is_not_written() -> None:
    with transaction.atomic(), deferred_inserts():
        insert(_row("kept-1"))
        try:
            with transaction.atomic():
                insert(_row("dropped"))
                raise ValueError("refused")
        except ValueError:
            pass
        with transaction.atomic():
            insert(_row("kept-2"))
    assert _topics() == ["kept-1", "kept-2"]


@pytest.mark.django_db
def test_an_error_leaving_the_block_writes_nothing() -> None:
    with pytest.raises(ValueError, match="refused"), transaction.atomic(), deferred_inserts():
        insert(_row("lost"))
        raise ValueError("refused")
    assert _topics() == []


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_a_block_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="transaction"), deferred_inserts():
        pass  # pragma: no cover - never reached
