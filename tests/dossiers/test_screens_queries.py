"""Screens at scale (issue 10): the queue, the search and the dossier page send the same number
of queries whatever the number of dossiers (5 or 50 here), show 25 rows a page and page by a
keyset (never OFFSET). Runs on SQLite and, with DATABASE_URL, on PostgreSQL; there the search
column's trigram index exists (dossiers 0010) and the dossier table has only the indexes the
screens and reports read (0011).

The plans at 1,000,000 dossiers are checked by bench/screens_bench.py (EXPLAIN ANALYZE)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.dossiers.access import visible_to_agencies
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Consultation,
    Dossier,
    DossierStep,
    Status,
    StepStatus,
)
from motcua.dossiers.selectors import PAGE_SIZE, queue_page, queue_steps
from tests.dossiers.conftest import World

ROW = re.compile(r'href="/can-bo/ho-so/(T-\d{5})/"')


def fill(w: World, first: int, n: int) -> list[Dossier]:
    """``n`` received dossiers at the provincial desk, processed by the Justice department, each
    with an active specialist step there (due one to seven days from now)."""
    now = timezone.now()
    rows = []
    for i in range(first, first + n):
        d = Dossier(
            code=f"T-{i:05d}",
            procedure=w.simple,
            applicant_name=f"Trần Thị Hoa {i}",
            applicant_id_number=f"0701{i:08d}",
            channel="counter",
            receiving_agency=w.center,
            processing_agency=w.justice,
            status=Status.IN_PROGRESS,
            received_at=now - dt.timedelta(days=1),
            clock_started_at=now - dt.timedelta(days=1),
            due_at=now + dt.timedelta(days=1 + i % 7, minutes=i),
        )
        d.refresh_search_text()
        rows.append(d)
    made = Dossier.objects.bulk_create(rows)
    DossierStep.objects.bulk_create(
        DossierStep(
            dossier=d,
            order=1,
            name="Thẩm định hồ sơ",
            role="chuyen_vien",
            agency=w.justice,
            budget_days=Decimal(2),
            status=StepStatus.ACTIVE,
            started_at=d.received_at,
            due_at=d.due_at,
        )
        for d in made
    )
    return made


def count_queries(client: Client, url: str) -> tuple[int, str]:
    client.get(url)  # first request: session, caches
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200
    return len(ctx.captured_queries), resp.content.decode()


@pytest.fixture
def specialist(world: World) -> Client:
    c = Client()
    c.force_login(world.users["specialist"])
    return c


def test_queue_queries_do_not_grow_with_the_table(world: World, specialist: Client) -> None:
    fill(world, 0, 5)
    small, page = count_queries(specialist, "/can-bo/")
    assert len(ROW.findall(page)) == 5
    assert "(5 bước" in page
    fill(world, 5, 45)
    large, page = count_queries(specialist, "/can-bo/")
    assert small == large
    shown = ROW.findall(page)
    assert len(shown) == PAGE_SIZE
    assert "(50 bước" in page
    # the next page, by the cursor of the last row: the other 25, none twice
    link = re.search(r'href="\?sau=([^"]+)" rel="next"', page)
    assert link is not None
    nxt = specialist.get(f"/can-bo/?sau={link.group(1)}").content.decode()
    rest = ROW.findall(nxt)
    assert len(rest) == 25 and not set(rest) & set(shown)
    assert 'rel="next"' not in nxt


def test_queue_order_is_the_due_instant(world: World) -> None:
    made = fill(world, 0, 30)
    page = queue_page(world.users["specialist"])
    due = [r.step.due_at for r in page.rows]
    assert due == sorted(due) and len(due) == PAGE_SIZE
    assert page.total == 30 and page.next_cursor
    second = queue_page(world.users["specialist"], after=page.next_cursor)
    assert len(second.rows) == 5 and second.next_cursor == ""
    everything = [r.dossier.pk for r in page.rows + second.rows]
    assert sorted(everything) == sorted(d.pk for d in made)
    assert second.rows[0].step.due_at >= page.rows[-1].step.due_at


def test_queue_cursor_that_does_not_parse_starts_from_the_top(
    world: World, specialist: Client
) -> None:
    fill(world, 0, 3)
    for bad in ("xyz", "2022-13-45|1", "|abc", "2022-01-01T00:00:00|1", "9" * 40):
        resp = specialist.get("/can-bo/", {"sau": bad})
        assert resp.status_code == 200
        assert len(ROW.findall(resp.content.decode())) == 3


def test_queue_of_another_agency_is_empty(world: World) -> None:
    fill(world, 0, 5)
    assert queue_steps(world.users["health"]).count() == 0
    assert queue_steps(world.users["outsider"]).count() == 0
    c = Client()
    c.force_login(world.users["health"])
    assert ROW.findall(c.get("/can-bo/").content.decode()) == []


@pytest.mark.parametrize(
    "query",
    ["tran thi hoa", "Trần Thị Hoa", "0701", "t-000"],
    ids=["name", "accents", "id", "code"],
)
def test_search_queries_do_not_grow_with_the_table(
    world: World, specialist: Client, query: str
) -> None:
    fill(world, 0, 5)
    small, page = count_queries(specialist, f"/can-bo/tim-kiem/?q={query}")
    assert len(ROW.findall(page)) == 5
    fill(world, 5, 45)
    large, page = count_queries(specialist, f"/can-bo/tim-kiem/?q={query}")
    assert small == large
    shown = ROW.findall(page)
    assert len(shown) == PAGE_SIZE
    # the newest first; the next page continues below the last id shown
    assert shown == [f"T-{i:05d}" for i in range(49, 24, -1)]
    link = re.search(r'href="\?q=[^"&]*&amp;truoc=(\d+)" rel="next"', page)
    assert link is not None
    nxt = specialist.get("/can-bo/tim-kiem/", {"q": query, "truoc": link.group(1)})
    assert ROW.findall(nxt.content.decode()) == [f"T-{i:05d}" for i in range(24, -1, -1)]


def test_search_by_one_id_number_and_bad_page_argument(world: World, specialist: Client) -> None:
    fill(world, 0, 50)
    page = specialist.get("/can-bo/tim-kiem/", {"q": "070100000017"}).content.decode()
    assert ROW.findall(page) == ["T-00017"]
    for bad in ("abc", "-1", "9" * 40, "１２"):
        resp = specialist.get("/can-bo/tim-kiem/", {"q": "tran", "truoc": bad})
        assert resp.status_code == 200
        assert len(ROW.findall(resp.content.decode())) == PAGE_SIZE


def test_search_stays_in_scope(world: World) -> None:
    fill(world, 0, 5)
    for name in ("health", "outsider"):
        c = Client()
        c.force_login(world.users[name])
        page = c.get("/can-bo/tim-kiem/", {"q": "tran thi hoa"}).content.decode()
        assert ROW.findall(page) == []
    anonymous = Client().get("/can-bo/tim-kiem/", {"q": "tran thi hoa"})
    assert anonymous.status_code == 302


def test_dossier_page_queries_do_not_grow_with_the_table(world: World, specialist: Client) -> None:
    first = fill(world, 0, 5)[0]
    small, page = count_queries(specialist, f"/can-bo/ho-so/{first.code}/")
    assert first.code in page
    fill(world, 5, 45)
    large, _ = count_queries(specialist, f"/can-bo/ho-so/{first.code}/")
    assert small == large


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_has_the_trigram_index_and_not_the_redundant_ones(db: None) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'dossiers_dossier'"
        )
        indexes = dict(cur.fetchall())
    assert "gin_trgm_ops" in indexes["dossier_search_trgm"]
    assert not [d for d in indexes.values() if "varchar_pattern_ops" in d]
    single = {
        d.split("(", 1)[1].rstrip(")").strip()
        for d in indexes.values()
        if "," not in d.split("(", 1)[1]
    }
    for column in ("status", "level", "finished_at", "due_at"):
        assert column not in single
    assert "receiving_agency_id" not in single and "processing_agency_id" not in single


def test_the_due_index_holds_the_dossiers_not_finished_and_their_readers_use_it(
    db: None,
) -> None:
    """dossiers 0018: on PostgreSQL ``dossier_status_due`` leaves the finished dossiers out and
    the queries of the warnings, the open dossiers and the online queue may still read it (the
    planner proves they imply its condition); on SQLite, whose planner cannot, it is whole."""
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            cur.execute("SELECT sql FROM sqlite_master WHERE name = 'dossier_status_due'")
            assert "WHERE" not in cur.fetchone()[0]
            return
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'dossier_status_due'")
        definition = cur.fetchone()[0]
        cur.execute("SET LOCAL enable_seqscan = off")  # an empty table: the index if it may
    assert "WHERE" in definition
    for status in ("resolved", "withdrawn", "returned"):
        assert status in definition
    now = timezone.now()
    readers = [
        Dossier.objects.filter(status=Status.IN_PROGRESS, due_at__lte=now).order_by("due_at", "pk"),
        Dossier.objects.filter(status__in=OPEN_STATUSES),
        Dossier.objects.filter(status=Status.SUBMITTED),
    ]
    for qs in readers:
        assert "dossier_status_due" in qs.explain(), qs.query
    assert "dossier_status_due" not in Dossier.objects.filter(status=Status.RESOLVED).explain()


def test_search_by_a_whole_code_is_that_dossier(world: World, specialist: Client) -> None:
    fill(world, 0, 50)
    # "T-00001" is also inside T-00010…T-00019 as text; the whole code finds the one dossier
    page = specialist.get("/can-bo/tim-kiem/", {"q": "T-00001"}).content.decode()
    assert ROW.findall(page) == ["T-00001"]
    # part of a code is no code: the search of the text, newest first
    page = specialist.get("/can-bo/tim-kiem/", {"q": "T-0001"}).content.decode()
    assert ROW.findall(page) == [f"T-{i:05d}" for i in range(19, 9, -1)]
    c = Client()
    c.force_login(world.users["health"])
    assert ROW.findall(c.get("/can-bo/tim-kiem/", {"q": "T-00001"}).content.decode()) == []


def second_step(d: Dossier, agency: object) -> DossierStep:
    return DossierStep.objects.create(
        dossier=d,
        order=2,
        name="Ý kiến",
        role="chuyen_vien",
        agency=agency,
        budget_days=Decimal(1),
        status=StepStatus.PENDING,
    )


def consult(w: World, d: Dossier) -> Consultation:
    """The Justice department asks the Health department's opinion on ``d``."""
    now = timezone.now()
    return Consultation.objects.create(
        dossier=d,
        from_agency=w.justice,
        to_agency=w.health,
        question="Ý kiến về hồ sơ",
        requested_at=now,
        due_at=now + dt.timedelta(days=3),
    )


def test_the_scope_read_from_indexes_is_the_same_scope(world: World) -> None:
    """The name search reads the scope in its index form (``by_index``): the same dossiers as
    the one rule, for a desk, a lead agency, an agency with a step only, an agency consulted
    only, several agencies, none; and a name search finds a dossier its reader sees only
    through a step or a consultation, and nothing outside."""
    made = fill(world, 0, 6)
    # the third: a step at the Health department; the fourth: Health consulted on it
    DossierStep.objects.filter(dossier=made[2]).update(agency=world.health)
    consult(world, made[3])
    agencies = (world.center, world.justice, world.health)

    def same() -> None:
        for ids in ({a.pk for a in agencies}, *({a.pk} for a in agencies), set(), None):
            plain = set(visible_to_agencies(ids).values_list("pk", flat=True))
            by_index = set(visible_to_agencies(ids, by_index=True).values_list("pk", flat=True))
            assert plain == by_index, ids

    same()
    assert set(visible_to_agencies({world.health.pk}, by_index=True)) == {made[2], made[3]}
    # the kept agencies follow every change of the steps and consultations: a step moved to
    # another dossier, a second step, steps deleted, a consultation deleted (PostgreSQL's
    # triggers, dossiers 0016)
    step = DossierStep.objects.get(dossier=made[2])
    DossierStep.objects.filter(pk=step.pk).update(dossier=made[4])
    same()
    second_step(made[5], world.health)
    same()
    assert set(visible_to_agencies({world.health.pk}, by_index=True)) == {made[3], made[4], made[5]}
    DossierStep.objects.filter(agency=world.health).delete()
    same()
    Consultation.objects.all().delete()
    same()
    assert not visible_to_agencies({world.health.pk}, by_index=True).exists()
    # a step of the Justice department's handed to the Health department (changed in place)
    again = second_step(made[2], world.justice)
    same()
    DossierStep.objects.filter(pk=again.pk).update(agency=world.health)
    consult(world, made[3])
    same()
    c = Client()
    c.force_login(world.users["health"])
    page = c.get("/can-bo/tim-kiem/", {"q": "tran thi hoa"}).content.decode()
    assert ROW.findall(page) == [made[3].code, made[2].code]
    # a query of short words only (no trigram) reads the scope the other way: the same rows
    page = c.get("/can-bo/tim-kiem/", {"q": "th ho"}).content.decode()
    assert ROW.findall(page) == [made[3].code, made[2].code]
