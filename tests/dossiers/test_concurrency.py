"""Concurrent intake and concurrent actions, on PostgreSQL (row locks are real there)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive, step_complete
from tests.dossiers.conftest import World, at

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers; the parallel tests run on PostgreSQL (CI's second run)",
)


def run_parallel(n: int, fn: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_parallel_intake_gives_unique_sequential_codes(world: World) -> None:
    w = world

    def intake(i: int) -> list[str]:
        codes = []
        for k in range(5):
            d = dossier_receive(
                actor=w.users["counter"],
                desk=w.center,
                intake=w.intake(),
                now=at(f"2022-06-01 09:{10 * (i % 5) + k:02d}"),
            )
            codes.append(d.code)
        return codes

    results = run_parallel(8, intake)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    codes = sorted(c for r in results for c in r)
    assert len(codes) == len(set(codes)) == 40
    assert codes == [f"000.01.01.H10-220601-{k:04d}" for k in range(1, 41)]
    books = sorted(Dossier.objects.values_list("book_number", flat=True))
    assert books == list(range(1, 41))


@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_one_wins(world: World) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    seen = d.version
    officers = [w.users["specialist"], w.users["specialist2"]]

    def act(i: int) -> Dossier:
        return step_complete(
            actor=officers[i],
            dossier=d,
            expected_version=seen,
            note=f"cán bộ {i}",
            now=at("2022-06-02 09:00"),
        )

    results = run_parallel(2, act)
    wins = [r for r in results if isinstance(r, Dossier)]
    losses = [r for r in results if isinstance(r, DomainError)]
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].code == "stale_dossier"
    assert "cán bộ khác" in losses[0].message
    assert d.steps.filter(status="done").count() == 2
    assert d.events.filter(type="step_done").count() == 1
