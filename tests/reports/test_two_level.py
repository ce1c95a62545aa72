"""Reports across the switch to two-level local government (issue 11): each dossier once, under
the structure in force at receipt, with the right levels; roll-up to successors on request; the
reports of a period before the switch unchanged by the transition. Scan and daily counts agree."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive, result_return, step_complete
from motcua.reports.agg_rebuild import rebuild_aggregates
from motcua.reports.selectors import Period, period_preset, report, report_scan
from motcua.units.transition import apply_transition
from tests.dossiers.conftest import World, at
from tests.twolevel import REFORM, TwoLevel, build

H1_2025 = period_preset(2025, "6")
H2_2025 = Period(H1_2025.last.replace(month=7, day=1), H1_2025.last.replace(month=12, day=31))
Y2025 = period_preset(2025, "year")


def _crossing(t: TwoLevel) -> Dossier:
    """Received at the district desk in June 2025, finished by the successor ward in August."""
    d = dossier_receive(
        actor=t.users["district_counter"],
        desk=t.w.district_desk,
        intake=t.w.intake(t.district_proc),
        now=at("2025-06-20 09:00"),
    )
    apply_transition(REFORM, now=at("2025-07-01 07:00"))
    step_complete(actor=t.users["ward_officer"], dossier=d, now=at("2025-08-04 09:00"))
    step_complete(actor=t.users["ward_leader"], dossier=d, now=at("2025-08-05 09:00"))
    result_return(actor=t.users["ward_counter"], dossier=d, now=at("2025-08-05 10:00"))
    d.refresh_from_db()
    return d


def _both(period: Period, **kw: object) -> dict:
    """The report by scan and by daily counts, asserted equal."""
    scan = report_scan(period)
    rebuild_aggregates()
    agg = report(period, **kw)
    scan_kw = dict(report_scan(period))
    if kw:
        from motcua.reports import two_level

        two_level.extend(
            scan_kw,
            period,
            unit=None,
            agency_ids=None,
            by_desk=bool(kw.get("by_desk")),
            roll_up_to_successors=bool(kw.get("roll_up")),
        )
    assert json.dumps(agg, sort_keys=True, default=str) == json.dumps(
        scan_kw, sort_keys=True, default=str
    )
    assert {k: scan[k] for k in ("levels",)} == {k: agg[k] for k in ("levels",)}
    return agg


@pytest.fixture
def t(world: World) -> TwoLevel:
    return build(world)


def test_a_dossier_crossing_the_switch_counts_once_with_its_level(t: TwoLevel) -> None:
    w = t.w
    d = _crossing(t)
    assert d.status == "resolved" and d.processing_agency == t.ward_committee
    h1, h2, year = (_both(p, by_desk=True) for p in (H1_2025, H2_2025, Y2025))
    # H1: received at the district level, still in progress at the end of June
    assert set(h1["levels"]) == {"district", "total"}
    assert h1["levels"]["district"]["received_new"] == 1
    assert h1["levels"]["district"]["in_progress"] == 1
    assert h1["levels"]["total"]["received"] == 1
    # H2: carried over and resolved, still at the level it was received at
    assert set(h2["levels"]) == {"district", "total"}
    assert h2["levels"]["district"]["carried_over"] == 1
    assert h2["levels"]["district"]["resolved"] == 1
    assert h2["levels"]["total"]["received"] == 1
    # the year: once
    assert year["levels"]["total"]["received"] == 1
    assert year["levels"]["total"]["received_new"] == 1
    assert year["levels"]["total"]["resolved"] == 1
    for rep in (h1, h2, year):
        # under the structure at receipt in both views, once each
        assert [r["agency_code"] for r in rep["by_agency"]] == [w.district_committee.code]
        assert [r["agency_code"] for r in rep["by_receiving_agency"]] == [w.district_desk.code]
        assert sum(r["received"] for r in rep["by_agency"]) == 1
        assert sum(r["received"] for r in rep["by_receiving_agency"]) == 1
    # rolled up on request: under the successors (ward level), still once
    rolled = _both(Y2025, by_desk=True, roll_up=True)
    assert rolled["rolled_up_to"] == "2025-12-31"
    assert [(r["agency_code"], r["level"]) for r in rolled["by_agency"]] == [
        (t.ward_committee.code, "commune")
    ]
    assert [r["agency_code"] for r in rolled["by_receiving_agency"]] == [t.ward_center.code]
    assert rolled["by_agency"][0]["resolved"] == 1
    assert rolled["levels"] == year["levels"]  # the totals do not move
    # a period wholly before the switch is not rolled up to agencies that did not exist yet
    h1_rolled = _both(H1_2025, roll_up=True)
    assert [r["agency_code"] for r in h1_rolled["by_agency"]] == [w.district_committee.code]


def test_reports_before_the_switch_do_not_change_when_the_transition_runs(
    t: TwoLevel,
) -> None:
    w = t.w

    # H1 2022: one finished at the district, one still open at the end (moved by the transition)
    done = dossier_receive(
        actor=t.users["district_counter"],
        desk=w.district_desk,
        intake=w.intake(t.district_proc),
        now=at("2022-03-01 09:00"),
    )
    step_complete(actor=w.users["district_officer"], dossier=done, now=at("2022-03-02 09:00"))
    step_complete(actor=w.users["district_leader"], dossier=done, now=at("2022-03-03 09:00"))
    dossier_receive(
        actor=t.users["district_counter"],
        desk=w.district_desk,
        intake=w.intake(t.district_proc),
        now=at("2022-06-10 09:00"),
    )
    dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-05-10 09:00")
    )
    h1 = period_preset(2022, "6")
    before_scan = json.dumps(report_scan(h1), sort_keys=True, default=str)
    rebuild_aggregates()
    before_agg = json.dumps(report(h1, by_desk=True), sort_keys=True, default=str)
    result = apply_transition(REFORM, now=at("2025-07-01 07:00"))
    assert result.moved_dossiers == 1
    # the services kept the daily counts in line: same figures without a rebuild
    assert json.dumps(report(h1, by_desk=True), sort_keys=True, default=str) == before_agg
    assert json.dumps(report_scan(h1), sort_keys=True, default=str) == before_scan
    rebuild_aggregates()
    assert json.dumps(report(h1, by_desk=True), sort_keys=True, default=str) == before_agg
    # stats-verify (scan against the daily counts) stays green
    call_command("stats_verify", "--from", "2022-01-01", "--to", "2022-12-31")


def test_report_command_roll_up_flag(t: TwoLevel, capsys: pytest.CaptureFixture[str]) -> None:
    _crossing(t)
    call_command("report", "--from", "2025-01-01", "--to", "2025-12-31", "--roll-up", "--by-desk")
    rep = json.loads(capsys.readouterr().out)
    assert rep["rolled_up_to"] == "2025-12-31"
    assert [r["agency_code"] for r in rep["by_agency"]] == [t.ward_committee.code]
    assert [r["agency_code"] for r in rep["by_receiving_agency"]] == [t.ward_center.code]


def test_bieu06_numbers_the_levels_that_exist() -> None:
    """After the switch: I province, II commune (no empty 'Cấp huyện' group)."""
    from openpyxl import Workbook

    from motcua.reports.exports import bieu06_sheet

    zero = dict.fromkeys(
        (
            "carried_over",
            "received_new",
            "received_online",
            "resolved",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "in_progress",
            "in_progress_overdue",
            "withdrawn",
            "returned",
        ),
        0,
    )
    rows = [
        {**zero, "field": "Hộ tịch", "level": "commune", "received_new": 2, "in_progress": 2},
        {**zero, "field": "Tư pháp", "level": "province", "received_new": 1, "in_progress": 1},
    ]
    wb = Workbook()
    bieu06_sheet(wb.active, {"from": "2025-07-01", "to": "2025-12-31"}, rows)
    cells = [(r[0].value, r[1].value) for r in wb.active.iter_rows(max_col=2)]
    groups = [(a, b) for a, b in cells if a in ("I", "II", "III")]
    assert groups == [("I", "Cơ quan chuyên môn cấp tỉnh"), ("II", "Cấp xã")]
    assert all(b != "Cấp huyện" for _, b in cells)


def test_a_successor_scoped_roll_up_includes_its_predecessors_dossiers(t: TwoLevel) -> None:
    _crossing(t)
    rebuild_aggregates()
    ward = [t.ward_committee.pk, t.ward_center.pk]
    # at receipt the dossier was the district's: not in the ward's own report
    assert report(Y2025, agency_ids=ward)["levels"] == {}
    rolled = report(Y2025, agency_ids=ward, roll_up=True, by_desk=True)
    assert rolled["levels"]["total"]["received"] == 1
    assert [r["agency_code"] for r in rolled["by_agency"]] == [t.ward_committee.code]
    # another commune's scope never sees it
    other = [t.other_committee.pk, t.other_center.pk]
    assert report(Y2025, agency_ids=other, roll_up=True)["levels"] == {}


def test_dashboard_roll_up_option(t: TwoLevel) -> None:
    from django.test import Client

    from tests.factories import UserFactory

    _crossing(t)
    c = Client()
    c.force_login(UserFactory(username="quan_tri", superuser=True))
    plain = c.get("/can-bo/bao-cao/", {"year": 2025, "kind": "year"})
    assert plain.status_code == 200
    page = plain.content.decode()
    district, ward = "UBND thành phố Đồng Xoài", "UBND phường Đồng Xoài"
    assert district in page and 'id="roll-up" checked' not in page
    rolled = c.get("/can-bo/bao-cao/", {"year": 2025, "kind": "year", "gop": "1"})
    rpage = rolled.content.decode()
    # the agency chart moves from the district to its successor (the evaluation table always
    # shows the agency that resolved it)
    assert rpage.count(district) < page.count(district)
    assert rpage.count(ward) > page.count(ward)
    assert 'id="roll-up" checked' in rpage
    # a ward leader sees the inherited dossier only rolled up; another commune never
    ward = Client()
    ward.force_login(t.users["ward_leader"])
    assert (
        "UBND phường Đồng Xoài"
        in ward.get("/can-bo/bao-cao/", {"year": 2025, "kind": "year", "gop": "1"}).content.decode()
    )
    other = Client()
    other.force_login(t.users["other_officer"])
    assert other.get(
        "/can-bo/bao-cao/", {"year": 2025, "kind": "year", "gop": "1"}
    ).status_code in (
        403,
        302,
    )
