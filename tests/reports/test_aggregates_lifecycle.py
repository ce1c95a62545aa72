"""The services keep the daily counts in their own transaction: whole lifecycles (receipt, a
supplement that moves the due instant, an apology, resolution late, withdrawal, an inter-level
dossier) leave exactly the counts a rebuild gives, and the report from them equals the scan;
``motcua stats-verify`` and ``stats-rebuild`` on the same data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    apology_issue,
    dossier_receive,
    dossier_withdraw,
    step_complete,
    supplement_receive,
    supplement_request,
)
from motcua.reports.agg_rebuild import rebuild_aggregates
from motcua.reports.aggregates import aggregates_complete
from motcua.reports.models import FULL_KEY, MEASURES, DailyCount, DailyLevelCount, DossierFacts
from motcua.reports.selectors import Period, _report_from_aggregates, report, report_scan
from motcua.reports.verify import diff, index_inputs
from tests.dossiers.conftest import World, at

pytestmark = pytest.mark.django_db

ITEMS = [{"name": "Bản sao Giấy chứng nhận", "originals": 0, "copies": 1}]
PERIODS = [
    Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30)),
    Period(dt.date(2022, 6, 1), dt.date(2022, 6, 7)),
    Period(dt.date(2022, 6, 8), dt.date(2022, 6, 30)),
    Period(dt.date(2022, 6, 9), dt.date(2022, 6, 9)),
]


def receive(w: World, when: str, **over: object) -> Dossier:
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(**over), now=at(when)
    )


def counts() -> tuple[dict[Any, Any], dict[Any, Any]]:
    out = []
    for model, keys in (
        (DailyCount, FULL_KEY),
        (DailyLevelCount, ("day", "recv_day", "level", "channel")),
    ):
        rows = {}
        for r in model.objects.values(*keys, *MEASURES):
            values = tuple(r[m] for m in MEASURES)
            if any(values):
                rows[tuple(str(r[k]) for k in keys)] = values
        out.append(rows)
    return out[0], out[1]


def lifecycles(w: World) -> None:
    # resolved on time
    a = receive(w, "2022-06-01 09:00")
    step_complete(actor=w.users["specialist"], dossier=a, now=at("2022-06-03 10:00"))
    step_complete(actor=w.users["leader"], dossier=a, now=at("2022-06-06 08:00"))
    # a late apology, then resolved late
    b = receive(w, "2022-06-01 09:30")
    apology_issue(
        actor=w.users["leader"],
        dossier=b,
        reason="Chờ xác minh",
        new_appointment=at("2022-06-10 17:00"),
        now=at("2022-06-07 10:00"),
    )
    step_complete(actor=w.users["specialist"], dossier=b, now=at("2022-06-08 15:00"))
    step_complete(actor=w.users["leader"], dossier=b, now=at("2022-06-09 10:00"))
    # a supplement: the due instant moves (restart from zero)
    c = receive(w, "2022-06-02 08:00")
    supplement_request(
        actor=w.users["specialist"],
        dossier=c,
        items=ITEMS,
        reason="Thiếu",
        now=at("2022-06-03 10:00"),
    )
    supplement_receive(actor=w.users["counter"], dossier=c, now=at("2022-06-10 09:00"))
    # withdrawn
    d = receive(w, "2022-06-01 10:00")
    dossier_withdraw(
        actor=w.users["counter"], dossier=d, reason="Xin rút", now=at("2022-06-02 09:00")
    )
    # still open and overdue at the end of June
    receive(w, "2022-06-20 09:00")


def test_services_keep_the_counts(world: World) -> None:
    lifecycles(world)
    kept = counts()
    assert kept[1], "the services wrote daily counts"
    assert DossierFacts.objects.count() == 5
    for p in PERIODS:
        assert (
            diff(
                report_scan(p), _report_from_aggregates(p, unit=None, agency_ids=None, details=True)
            )
            == []
        )
        ids = [world.justice.pk]
        assert (
            diff(
                report_scan(p, agency_ids=ids),
                _report_from_aggregates(p, unit=None, agency_ids=ids, details=True),
            )
            == []
        )
        i_scan, i_agg = index_inputs(p)
        assert diff(i_scan, i_agg) == [], p
    # the Decision 766 inputs the services' facts carry: steps, the late ones, the apology
    i_june = index_inputs(PERIODS[0])[1]
    assert i_june["tracked"] == (5, 5)
    assert i_june["apology_kept"] == (0, 3)  # b's apology was late; two open and overdue
    assert i_june["progress"] == (2, 5)
    june = report_scan(PERIODS[0])["levels"]["total"]
    assert (june["received"], june["resolved"], june["resolved_late"], june["withdrawn"]) == (
        5,
        2,
        1,
        1,
    )
    assert june["in_progress"] == 2 and june["in_progress_overdue"] == 2  # due 17/6 and 27/6
    assert june["apologies"] == 1 and june["apology_breach_late"] == 1
    rebuild_aggregates()
    assert counts() == kept


def test_report_reads_the_counts_once_complete(world: World) -> None:
    lifecycles(world)
    assert not aggregates_complete()  # never rebuilt: the scan answers
    rebuild_aggregates()
    assert aggregates_complete()
    with override_settings(MOTCUA_REPORT_SOURCE="scan"):
        assert not aggregates_complete()
    # a later change through the services keeps them complete and right
    receive(world, "2022-06-21 09:00")
    p = PERIODS[0]
    assert report(p) == report_scan(p)
    assert report(p)["levels"]["total"]["received"] == 6


def test_stats_verify_and_rebuild_commands(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    lifecycles(world)
    call_command("stats_rebuild")
    out = json.loads(capsys.readouterr().out)
    assert out["dossiers"] == 5 and out["level_rows"] > 0
    # PostgreSQL: the counts vacuumed and analysed after the rebuild's commit — except here,
    # inside the test's transaction, where VACUUM cannot run and is not attempted
    assert out["vacuumed"] is False
    call_command("stats_verify", "--from", "2022-01-01", "--to", "2022-06-30", "--months")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["differences"] == 0 and summary["periods"] == 7
    # a change that bypasses the services is found and named
    Dossier.objects.filter(status="withdrawn").update(status="returned")
    with pytest.raises(SystemExit) as exc:
        call_command("stats_verify", "--from", "2022-06-01", "--to", "2022-06-30")
    assert exc.value.code == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert any("levels.province.withdrawn: 0 != 1" in line for line in lines)
    # rebuilding the day of the change repairs it
    call_command("stats_rebuild", "--from", "2022-06-02", "--to", "2022-06-02")
    capsys.readouterr()
    call_command("stats_verify", "--from", "2022-06-01", "--to", "2022-06-30")
    assert json.loads(capsys.readouterr().out.strip())["differences"] == 0


def test_an_agencys_months_come_from_the_monthly_counts(world: World) -> None:
    """A leader's report of whole months reads each month's row of the agency, not each day's;
    the partial months at a period's edges come from the daily counts; both equal the scan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.reports import aggregates

    lifecycles(world)
    rebuild_aggregates()
    ids = [world.center.pk]
    whole, edges = PERIODS[0], Period(dt.date(2022, 5, 20), dt.date(2022, 6, 30))
    for p in (whole, edges):
        assert report(p, agency_ids=ids) == report_scan(p, agency_ids=ids)
    with CaptureQueriesContext(connection) as q:
        rows = aggregates.sums(whole.first, whole.last, ["procedure_id"], ids)
    sql = " ".join(x["sql"] for x in q.captured_queries)
    assert "reports_monthlycount" in sql and "reports_dailycount" not in sql
    assert sum(r["received_new"] for r in rows) == 5
    with CaptureQueriesContext(connection) as q:
        aggregates.sums(edges.first, edges.last, ["procedure_id"], ids)
    sql = " ".join(x["sql"] for x in q.captured_queries)
    assert "reports_monthlycount" in sql and "reports_dailycount" in sql
    # another agency's months are not read as this one's
    other = aggregates.sums(whole.first, whole.last, ["procedure_id"], [world.center.pk + 999])
    assert other == []


@pytest.mark.django_db(transaction=True)
def test_the_counts_are_vacuumed_after_a_committed_rebuild() -> None:
    from django.db import connection

    from motcua.reports.agg_rebuild import vacuum_counts

    rebuild_aggregates()
    ran = vacuum_counts()
    if connection.vendor != "postgresql":
        assert ran is False  # SQLite: nothing to do
        return
    assert ran is True
    with connection.cursor() as cur:
        cur.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL "
            "AND last_analyze IS NOT NULL AND relname LIKE 'reports_%%'"
        )
        done = {r[0] for r in cur.fetchall()}
    assert {"reports_monthlycount", "reports_dailycount", "reports_dossierfacts"} <= done


@pytest.mark.parametrize("pause_on_supplement", [False, True])
def test_a_dossier_waiting_for_a_supplement_is_overdue_only_if_it_stopped_late(
    world: World, pause_on_supplement: bool
) -> None:
    """While the supplement is awaited the time limit does not run (REGULATIONS.md §2: it
    restarts from zero, or resumes, once the complete dossier is received): a dossier whose clock
    stopped before or at its due instant is "in progress within time" at the period's end however
    long the applicant takes, as the apology rule and the officers' warnings read it; one that
    stopped after its due instant was already late and stays overdue. The scan, the daily counts
    and a rebuild agree."""
    from motcua.catalog.models import Procedure

    w = world
    # a sector law's longer supplement window lets the request come at or after the due instant
    Procedure.objects.filter(pk=w.simple.pk).update(
        pause_on_supplement=pause_on_supplement, supplement_window_days=10
    )
    stopped = {}
    for code, when in (
        ("early", "2022-06-02 09:00"),
        ("at_due", "2022-06-08 09:00"),
        ("after_due", "2022-06-08 09:01"),
    ):
        d = receive(w, "2022-06-01 09:00")  # due 08/06 09:00
        supplement_request(
            actor=w.users["specialist"], dossier=d, items=ITEMS, reason="Thiếu", now=at(when)
        )
        stopped[code] = d
    june = Period(dt.date(2022, 6, 1), dt.date(2022, 6, 30))
    total = report_scan(june)["levels"]["total"]
    assert (total["in_progress"], total["in_progress_overdue"]) == (3, 1)
    assert (
        diff(
            report_scan(june),
            _report_from_aggregates(june, unit=None, agency_ids=None, details=True),
        )
        == []
    )
    i_scan, i_agg = index_inputs(june)
    assert diff(i_scan, i_agg) == []
    assert i_scan["progress"] == (2, 3)  # only the one that stopped late
    assert i_scan["apology_kept"] == (0, 1)  # only it owed an apology
    # within the week of the due instant: nothing was overdue yet at the end of 07/06
    first_week = Period(dt.date(2022, 6, 1), dt.date(2022, 6, 7))
    assert report_scan(first_week)["levels"]["total"]["in_progress_overdue"] == 0
    kept = counts()
    rebuild_aggregates()
    assert counts() == kept
    # the supplement arrives on 20/06: the clock runs again, due 27/06 09:00 (restarted from
    # zero) or 24/06 09:00 (resumed with 4 working days left), before the end of June: overdue
    supplement_receive(
        actor=w.users["counter"], dossier=stopped["early"], now=at("2022-06-20 09:00")
    )
    stopped["early"].refresh_from_db()
    new_due = "2022-06-24 09:00" if pause_on_supplement else "2022-06-27 09:00"
    assert stopped["early"].due_at == at(new_due)
    total = report_scan(june)["levels"]["total"]
    assert (total["in_progress"], total["in_progress_overdue"]) == (3, 2)
    assert (
        diff(
            report_scan(june),
            _report_from_aggregates(june, unit=None, agency_ids=None, details=True),
        )
        == []
    )
