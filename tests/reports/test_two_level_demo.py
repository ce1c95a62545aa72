"""The demo province (Bình Phước 2022, small scale) carried across with the transition command:
the H1-2022 report (JSON, daily counts and scan) is the same before and after."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.demo.services import demo_load
from motcua.dossiers.models import Dossier, DossierEvent, EventType
from motcua.reports.agg_rebuild import rebuild_aggregates
from motcua.reports.selectors import period_preset, report, report_scan
from motcua.units.models import AdministrativeUnit, Agency, Level, UnitKind
from motcua.units.transition import transition_plan
from tests.tools import coverage_paused

pytestmark = pytest.mark.django_db
REFORM = dt.date(2025, 7, 1)


def _json(rep: dict) -> str:
    return json.dumps(rep, sort_keys=True, default=str, ensure_ascii=False)


@pytest.mark.slow(seconds=28)  # its file is scheduled first (tests/conftest.py)
def test_h1_2022_report_unchanged_by_the_transition_command(tmp_path: Path) -> None:
    with coverage_paused():  # the setting; tests/demo/ measures the demo
        demo_load(scale=0.01)
    rebuild_aggregates()
    h1 = period_preset(2022, "6")
    before = _json(report(h1, by_desk=True))
    before_scan = _json(report_scan(h1))
    # Đồng Nai since 1 July 2025: Bình Phước's agencies give way to the new province's
    old = AdministrativeUnit.objects.get(code="70", level=Level.PROVINCE, valid_from=None)
    assert old.valid_to == dt.date(2025, 6, 30)
    new = AdministrativeUnit.objects.create(
        code="75",
        name="Tỉnh Đồng Nai",
        kind=UnitKind.PROVINCE,
        level=Level.PROVINCE,
        valid_from=REFORM,
    )
    committee = Agency.objects.create(
        code="000.00.00.H75", name="UBND tỉnh Đồng Nai", kind="ubnd", level=1, unit=new
    )
    center = Agency.objects.create(
        code="000.00.01.H75",
        name="Trung tâm Phục vụ hành chính công tỉnh Đồng Nai",
        kind="trung_tam",
        level=1,
        unit=new,
        receives_dossiers=True,
    )
    plan = transition_plan(REFORM)
    live = [s for s in plan if s.live_dossiers]
    assert live, "the demo has dossiers in progress at its agencies"
    lines = ["ma_co_quan_cu,ma_co_quan_moi"] + [
        f"{s.agency.code},{center.code if s.agency.receives_dossiers else committee.code}"
        for s in live
        if s.successor is None
    ]
    path = tmp_path / "map.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("transition_agencies", "--as-of", "2025-07-01", "--map", str(path))
    moved = DossierEvent.objects.filter(type=EventType.AGENCY_SUCCESSION).count()
    assert moved > 0
    assert Dossier.objects.filter(origin_processing_agency__isnull=False).count() > 0
    # the same report, from the daily counts the services kept, from the scan, after a rebuild
    assert _json(report(h1, by_desk=True)) == before
    assert _json(report_scan(h1)) == before_scan
    rebuild_aggregates()
    assert _json(report(h1, by_desk=True)) == before
