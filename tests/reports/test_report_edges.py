"""Every key of the report on hand-built dossiers at the period's edges."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.dossiers.models import Dossier
from motcua.reports.selectors import Period, report
from tests.factories import AgencyFactory
from tests.reports.test_import_dossiers import csv_text, row

pytestmark = pytest.mark.django_db

P = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))


def load(tmp_path: Any, rows: list[list[str]]) -> None:
    from motcua.dossiers.legacy import import_dossiers

    AgencyFactory(code="000.00.03.H10")
    f = tmp_path / "x.csv"
    f.write_text(csv_text(rows), encoding="utf-8")
    import_dossiers(f)


def r(
    code: str, received: str, due: str, status: str = "resolved", finished: str = "", **over: str
) -> list[str]:
    return row(code, status=status, finished=finished, received_at=received, due_at=due, **over)


def test_edges(tmp_path: Any) -> None:
    load(
        tmp_path,
        [
            # carried over: received before, still open at the start, resolved in the period on time
            r(
                "CO-1",
                "2021-12-20T09:00:00+07:00",
                "2022-01-10T17:00:00+07:00",
                finished="2022-01-10T17:00:00+07:00",
                channel="counter",
            ),
            # finished exactly at the due instant: on time, not early (same day)
            r(
                "EQ-1",
                "2022-03-01T09:00:00+07:00",
                "2022-03-04T09:00:00+07:00",
                finished="2022-03-04T09:00:00+07:00",
            ),
            # one second late
            r(
                "LT-1",
                "2022-03-01T09:00:00+07:00",
                "2022-03-04T09:00:00+07:00",
                finished="2022-03-04T09:00:01+07:00",
            ),
            # early: finished a calendar day before the due day
            r(
                "EA-1",
                "2022-03-01T09:00:00+07:00",
                "2022-03-04T09:00:00+07:00",
                finished="2022-03-03T16:59:00+07:00",
            ),
            # finished at 23:59 local of the last day: inside the period, late
            r(
                "LD-1",
                "2022-06-20T09:00:00+07:00",
                "2022-06-29T17:00:00+07:00",
                finished="2022-06-30T23:59:00+07:00",
            ),
            # finished at 00:00 local the day after: still in progress at the end, overdue
            r(
                "AF-1",
                "2022-06-20T09:00:00+07:00",
                "2022-06-29T17:00:00+07:00",
                finished="2022-07-01T00:00:00+07:00",
            ),
            # withdrawn before the period: not in the report at all
            r(
                "WB-1",
                "2021-11-01T09:00:00+07:00",
                "2021-11-10T17:00:00+07:00",
                status="withdrawn",
                finished="2021-12-31T16:00:00+07:00",
            ),
            # withdrawn and returned within
            r(
                "WD-1",
                "2022-02-01T09:00:00+07:00",
                "2022-02-10T17:00:00+07:00",
                status="withdrawn",
                finished="2022-02-03T10:00:00+07:00",
                level="district",
            ),
            r(
                "RT-1",
                "2022-02-01T09:00:00+07:00",
                "2022-02-10T17:00:00+07:00",
                status="returned",
                finished="2022-02-03T10:00:00+07:00",
                level="district",
            ),
            # still processing, due after the end: in progress, not overdue
            r(
                "IP-1",
                "2022-06-28T09:00:00+07:00",
                "2022-07-05T17:00:00+07:00",
                status="processing",
                level="commune",
                channel="counter",
                digitized="0",
            ),
            # received 00:00 of the first day: new, online; received before 00:00: carried over
            r(
                "ST-1",
                "2022-01-01T00:00:00+07:00",
                "2022-01-10T17:00:00+07:00",
                status="processing",
                level="commune",
            ),
            r(
                "ST-0",
                "2021-12-31T23:59:59+07:00",
                "2022-01-10T17:00:00+07:00",
                status="processing",
                level="commune",
            ),
            # received after the period: not counted
            r(
                "NX-1",
                "2022-07-01T00:00:00+07:00",
                "2022-07-10T17:00:00+07:00",
                status="processing",
            ),
            # given in UTC: 2022-06-30T17:30Z is 1 July 00:30 local — after the period
            r(
                "UT-1",
                "2022-06-30T17:30:00+00:00",
                "2022-07-10T17:00:00+07:00",
                status="processing",
            ),
        ],
    )
    rep = report(P)
    assert rep["from"] == "2022-01-01" and rep["to"] == "2022-06-30"
    prov, dist, comm, tot = (rep["levels"][k] for k in ("province", "district", "commune", "total"))
    assert prov == {
        "carried_over": 1,
        "received_new": 5,
        "received": 6,
        "received_online": 5,
        "resolved": 5,
        "resolved_on_time": 3,
        "resolved_early": 1,
        "resolved_late": 2,
        "late_rate": 40.0,
        "withdrawn": 0,
        "returned": 0,
        "in_progress": 1,
        "in_progress_overdue": 1,
        "digitized": 5,
        "electronic_results": 0,
        "online_payments": 5,
        "online_payment_vnd": 250000,
        "apologies": 0,
        "working_seconds": prov["working_seconds"],
        "average_processing_days": prov["average_processing_days"],
    }
    assert (dist["received"], dist["withdrawn"], dist["returned"], dist["in_progress"]) == (
        2,
        1,
        1,
        0,
    )
    assert (
        comm["carried_over"],
        comm["received_new"],
        comm["in_progress"],
        comm["in_progress_overdue"],
        comm["digitized"],
    ) == (1, 2, 3, 2, 1)
    for level in (prov, dist, comm, tot):
        assert level["received"] == (
            level["resolved"] + level["withdrawn"] + level["returned"] + level["in_progress"]
        )
    assert tot["received"] == 6 + 2 + 3
    assert tot["late_rate"] == 40.0
    months = {m["month"]: m for m in rep["by_month"]}
    assert months["03/2022"]["received"] == 3 and months["03/2022"]["resolved"] == 3
    assert months["06/2022"]["late"] == 1  # LD-1 at 23:59 local on 30/6 is June, not July
    assert months["01/2022"]["received"] == 1  # ST-1 at 00:00 local on 1/1
    fields = {(f["field_code"], f["level"]): f for f in rep["by_field"]}
    assert fields[("CHUA-PHAN-LOAI", "province")]["received"] == 6
    agencies = {a["agency_code"]: a for a in rep["by_agency"]}
    assert agencies["000.00.03.H10"]["received"] == 11


def test_empty_levels_omitted_and_zero_rate(tmp_path: Any) -> None:
    load(
        tmp_path,
        [
            r(
                "X-1",
                "2022-03-01T09:00:00+07:00",
                "2022-03-04T09:00:00+07:00",
                status="processing",
                level="district",
            )
        ],
    )
    levels = report(P)["levels"]
    assert set(levels) == {"district", "total"}
    assert levels["district"]["late_rate"] == 0.0
    assert Dossier.objects.count() == 1


def test_lifecycle_dossiers_count_too(world: Any) -> None:
    from motcua.dossiers.services import dossier_receive, step_complete
    from tests.dossiers.conftest import at

    w = world
    a = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    step_complete(actor=w.users["specialist"], dossier=a, now=at("2022-06-09 09:00"))
    step_complete(actor=w.users["leader"], dossier=a, now=at("2022-06-09 10:00"))
    dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-02 09:00")
    )
    levels = report(P)["levels"]
    assert levels["province"]["resolved"] == 1 and levels["province"]["resolved_late"] == 1
    assert levels["province"]["in_progress"] == 1
    # 1/6 09:00 → 9/6 10:00 = 6 h + 2 × 8 h + 3 × 8 h + 3 h = 49 h = 6.125 working days
    assert levels["province"]["average_processing_days"] == 6.12
