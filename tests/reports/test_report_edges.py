"""Every key of the report on hand-built dossiers at the period's edges."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.catalog.services import catalog_import_specs
from motcua.dossiers.models import Apology, ApologyBreach, Dossier
from motcua.reports.selectors import Period, report
from motcua.units.models import Agency
from tests.factories import AgencyFactory, procedure_spec
from tests.reports.test_import_dossiers import csv_text, row

pytestmark = pytest.mark.django_db

P = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
VN = dt.timezone(dt.timedelta(hours=7))


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
                electronic_result="1",
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
    catalog_import_specs(
        actor=None,
        source="test",
        specs=[
            # in force at the period's end: one province procedure fully online and vertical,
            # one commune procedure inter-level and not online; one not yet in force (July)
            procedure_spec(
                "1.100001",
                online_service="toan_trinh",
                is_vertical=True,
                valid_from=dt.date(2020, 1, 1),
            ),
            procedure_spec(
                "2.100002",
                level=3,
                online_service="khong",
                is_inter_level=True,
                valid_from=dt.date(2020, 1, 1),
            ),
            procedure_spec("1.100003", online_service="mot_phan", valid_from=dt.date(2022, 7, 1)),
        ],
    )
    agency = Agency.objects.get(code="000.00.03.H10")
    lt1, af1 = Dossier.objects.get(code="LT-1"), Dossier.objects.get(code="AF-1")
    # LT-1: due 4/3 09:00, so the latest moment was 3/3 09:00: the apology at 16:00 is late
    Apology.objects.create(
        dossier=lt1,
        agency=agency,
        issued_at=dt.datetime(2022, 3, 3, 16, 0, tzinfo=VN),
        reason="chậm",
        previous_appointment=lt1.due_at,
        new_appointment=lt1.due_at + dt.timedelta(days=2),
    )
    Dossier.objects.filter(pk=lt1.pk).update(apology_breach=ApologyBreach.LATE)
    # AF-1: apology in time (28/6 10:00, latest moment 28/6 17:00)
    Apology.objects.create(
        dossier=af1,
        agency=agency,
        issued_at=dt.datetime(2022, 6, 28, 10, 0, tzinfo=VN),
        reason="chậm",
        previous_appointment=af1.due_at,
        new_appointment=af1.due_at + dt.timedelta(days=2),
    )
    # LD-1 ended late in the period without apology; WB-1's breach ended before the period
    Dossier.objects.filter(code__in=["LD-1", "WB-1"]).update(apology_breach=ApologyBreach.MISSING)
    rep = report(P)
    assert set(rep) == {
        "from",
        "to",
        "unit",
        "levels",
        "shares",
        "catalog",
        "by_agency",
        "by_field",
        "by_month",
    }
    assert rep["from"] == "2022-01-01" and rep["to"] == "2022-06-30" and rep["unit"] is None
    prov, dist, comm, tot = (rep["levels"][k] for k in ("province", "district", "commune", "total"))
    # Working time (07:00–11:30, 13:30–17:00, 8 h a day) of the five resolved:
    #   EQ-1 Tue 1/3 09:00 → Fri 4/3 09:00: 6 + 8 + 8 + 2 = 24 h = 86 400 s; LT-1 one second more;
    #   EA-1 → Thu 3/3 16:59: 6 + 8 + 7 h 59 min = 79 140 s;
    #   LD-1 Mon 20/6 09:00 → Thu 30/6 23:59: 6 + 4 × 8 + 4 × 8 = 70 h = 252 000 s;
    #   CO-1 Mon 20/12/2021 09:00 → Mon 10/1/2022 17:00: 6 + 4 × 8 (21–24/12) + 5 × 8 (27–31/12)
    #   + 0 (1/1 Saturday, holiday moved to Monday 3/1) + 4 × 8 (4–7/1) + 8 = 118 h = 424 800 s.
    seconds = 86_400 + 86_401 + 79_140 + 252_000 + 424_800
    assert seconds == 928_741
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
        "electronic_results": 1,
        "online_payments": 5,
        "online_payment_vnd": 250000,
        "apologies": 2,
        "apology_breach_late": 1,
        "apology_breach_missing": 1,
        "withdrawn_returned_online": 0,
        "withdrawn_returned_carried_over": 0,
        "working_seconds": 928_741,
        "average_processing_days": 6.45,  # 928 741 / 5 / 28 800 = 6.4496
    }
    zero_tail = {
        "electronic_results": 0,
        "apologies": 0,
        "apology_breach_late": 0,
        "apology_breach_missing": 0,
        "working_seconds": 0,
        "average_processing_days": 0.0,
        "resolved": 0,
        "resolved_on_time": 0,
        "resolved_early": 0,
        "resolved_late": 0,
        "late_rate": 0.0,
    }
    assert dist == {
        "carried_over": 0,
        "received_new": 2,
        "received": 2,
        "received_online": 2,
        "withdrawn": 1,
        "returned": 1,
        "in_progress": 0,
        "in_progress_overdue": 0,
        "digitized": 2,
        "online_payments": 2,
        "online_payment_vnd": 100000,
        "withdrawn_returned_online": 2,  # WD-1 and RT-1 were filed online in February
        "withdrawn_returned_carried_over": 0,
        **zero_tail,
    }
    assert comm == {
        "carried_over": 1,  # ST-0, one second before the period
        "received_new": 2,  # ST-1 at 00:00 of the first day, IP-1
        "received": 3,
        "received_online": 1,  # ST-1; IP-1 came to the counter
        "withdrawn": 0,
        "returned": 0,
        "in_progress": 3,
        "in_progress_overdue": 2,  # ST-0 and ST-1 were due 10/1; IP-1 is due in July
        "digitized": 1,
        "online_payments": 2,
        "online_payment_vnd": 100000,
        "withdrawn_returned_online": 0,
        "withdrawn_returned_carried_over": 0,
        **zero_tail,
    }
    assert tot == {
        "carried_over": 2,
        "received_new": 9,
        "received": 11,
        "received_online": 8,
        "resolved": 5,
        "resolved_on_time": 3,
        "resolved_early": 1,
        "resolved_late": 2,
        "late_rate": 40.0,
        "withdrawn": 1,
        "returned": 1,
        "in_progress": 4,
        "in_progress_overdue": 3,
        "digitized": 8,
        "electronic_results": 1,
        "online_payments": 9,
        "online_payment_vnd": 450000,
        "apologies": 2,
        "apology_breach_late": 1,
        "apology_breach_missing": 1,
        "withdrawn_returned_online": 2,
        "withdrawn_returned_carried_over": 0,
        "working_seconds": 928_741,
        "average_processing_days": 6.45,
    }
    for level in (prov, dist, comm, tot):
        assert level["received"] == (
            level["resolved"] + level["withdrawn"] + level["returned"] + level["in_progress"]
        )
    assert rep["shares"] == {
        "received_online": 88.89,  # 8 / 9
        "digitized": 88.89,  # 8 / 9
        "electronic_results": 20.0,  # 1 / 5
        "online_payments": 100.0,  # 9 / 9
        "on_time": 60.0,  # 3 / 5
    }
    # the imported placeholder procedures are drafts: not in force, not counted
    assert rep["catalog"] == {
        "by_level": {
            "province": {
                "total": 1,
                "vertical": 1,
                "inter_level": 0,
                "online": 1,
                "online_full": 1,
                "national_portal": 0,
            },
            "commune": {
                "total": 1,
                "vertical": 0,
                "inter_level": 1,
                "online": 0,
                "online_full": 0,
                "national_portal": 0,
            },
            "total": {
                "total": 2,
                "vertical": 1,
                "inter_level": 1,
                "online": 1,
                "online_full": 1,
                "national_portal": 0,
            },
        },
        "online_share": 50.0,
    }
    months = {m["month"]: m for m in rep["by_month"]}
    assert months == {
        # CO-1 resolved on time on 10/1; ST-1 received at 00:00 local on 1/1
        "01/2022": {"month": "01/2022", "received": 1, "resolved": 1, "late": 0, "late_rate": 0.0},
        "02/2022": {"month": "02/2022", "received": 2, "resolved": 0, "late": 0, "late_rate": 0.0},
        "03/2022": {
            "month": "03/2022",
            "received": 3,
            "resolved": 3,
            "late": 1,
            "late_rate": 33.33,
        },
        # LD-1 at 23:59 local on 30/6 is June, not July
        "06/2022": {
            "month": "06/2022",
            "received": 3,
            "resolved": 1,
            "late": 1,
            "late_rate": 100.0,
        },
    }
    fields = {(f["field_code"], f["level"]): f for f in rep["by_field"]}
    assert set(fields) == {
        ("CHUA-PHAN-LOAI", "province"),
        ("CHUA-PHAN-LOAI", "district"),
        ("CHUA-PHAN-LOAI", "commune"),
    }
    for (_, level), f in fields.items():  # one field per level: the field row is the level row
        assert {k: v for k, v in f.items() if k not in ("field_code", "field", "level")} == (
            rep["levels"][level]
        )
    (only,) = rep["by_agency"]
    assert only["agency_code"] == "000.00.03.H10" and only["level"] == "province"
    assert {k: v for k, v in only.items() if k not in ("agency_code", "agency", "level")} == tot


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
