"""The two-level demo (``motcua demo --current``): Đồng Nai since 1 July 2025, with dossiers
carried over from the former Bình Phước districts and a routed intake."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from motcua.core.errors import ValidationFailed
from motcua.demo.current import structure
from motcua.demo.current.live import carried_over_dossiers
from motcua.demo.current.load import demo_current_load
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.services._tx import calendar_for
from motcua.dossiers.services.intake import _clock
from motcua.reports.selectors import Period, report
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Level
from motcua.units.services import LAST_DAY_OLD, REFORM_DATE

# the module shares one demo: one xdist worker builds it (./dev test: --dist loadfile)
pytestmark = pytest.mark.django_db
QCVN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}$")
SCALE = 0.002


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Built once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_current_load(scale=SCALE)
        yield result
        transaction.set_rollback(True)


def test_no_district_agency_in_force_after_the_reform(demo: dict[str, Any]) -> None:
    in_force = Agency.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=REFORM_DATE))
    assert not in_force.filter(level=Level.DISTRICT).exists()
    former = Agency.objects.filter(level=Level.DISTRICT)
    assert former.count() == 22  # the 11 Bình Phước districts: committee and desk
    for a in former:
        assert a.valid_to == LAST_DAY_OLD
        assert a.successor is not None and a.successor.level == Level.COMMUNE
        assert a.successor.valid_to is None
    # nor a district unit
    assert not AdministrativeUnit.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=REFORM_DATE), level=Level.DISTRICT
    ).exists()


def test_every_commune_has_a_commune_center_with_its_identifier(demo: dict[str, Any]) -> None:
    province = AdministrativeUnit.objects.get(
        level=Level.PROVINCE, code=structure.PROVINCE_CODE, valid_from=REFORM_DATE
    )
    communes = AdministrativeUnit.objects.filter(parent=province, level=Level.COMMUNE)
    assert communes.count() == 95 == demo["communes"] == demo["commune_centers"]
    codes = {r["unit"]: r["center"] for r in structure.data()["communes"]}
    for unit in communes:
        centers = list(Agency.objects.filter(unit=unit, kind=AgencyKind.COMMUNE_CENTER))
        assert len(centers) == 1, unit.name
        c = centers[0]
        assert c.kind == "tt_xa" and c.receives_dossiers and c.level == Level.COMMUNE
        assert QCVN.match(c.code) and c.code == codes[unit.code]
    all_codes = list(Agency.objects.values_list("code", flat=True))
    assert len(all_codes) == len(set(all_codes))
    # the commune level has no other desk in force
    assert not Agency.objects.filter(
        level=Level.COMMUNE, kind=AgencyKind.ONE_STOP_DESK, valid_to__isnull=True
    ).exists()


def test_carried_over_dossiers_keep_due_instants_and_history(demo: dict[str, Any]) -> None:
    carried = list(carried_over_dossiers().select_related("procedure"))
    assert len(carried) == demo["dossiers"]["carried_over"] == 6
    assert demo["dossiers"]["moved"] == 6
    for d in carried:
        origin = d.origin_receiving_agency
        assert origin is not None and origin.valid_to == LAST_DAY_OLD
        assert origin.kind == AgencyKind.ONE_STOP_DESK and origin.level == Level.DISTRICT
        assert d.receiving_agency == origin.successor
        assert d.receiving_agency.kind == AgencyKind.COMMUNE_CENTER
        assert d.received_at is not None and d.received_at.date() < REFORM_DATE
        # the due instant is the one set at receipt, on the former desk's calendar
        _, _, due = _clock(
            calendar_for(origin), d.received_at, d.channel, float(d.procedure.time_limit_days)
        )
        assert d.due_at == due
        events = list(d.events.order_by("at", "id"))
        kinds = [e.type for e in events]
        assert kinds[0] == "received" and "agency_succession" in kinds
        moved = next(e for e in events if e.type == "agency_succession")
        assert all(e.at <= moved.at for e in events[: kinds.index("agency_succession")])
        # steps done before July keep the agency that did them
        for s in d.steps.filter(finished_at__date__lt=REFORM_DATE):
            assert s.agency.valid_to == LAST_DAY_OLD
    # some were finished in July by the successors, some are still open
    statuses = {d.status for d in carried}
    assert Status.RESOLVED in statuses and Status.IN_PROGRESS in statuses


def test_h2_2025_report_has_only_the_two_levels(demo: dict[str, Any]) -> None:
    """Every dossier received in H2 2025 is at the province or a commune. The dossiers carried
    over from the former districts count at the level they were received at (the core's rule,
    reports/two_level.py): in H2 2025 they appear only as carried over, never as new."""
    r = report(Period(dt.date(2025, 7, 1), dt.date(2025, 12, 31)), details=False)
    levels = r["levels"]
    assert (
        {"province", "commune", "total"}
        <= set(levels)
        <= {
            "province",
            "commune",
            "district",
            "total",
        }
    )
    assert levels["province"]["received_new"] > 0 and levels["commune"]["received_new"] > 0
    carried = demo["dossiers"]["carried_over"]
    if "district" in levels:
        district = levels["district"]
        assert district["received_new"] == 0
        assert district["carried_over"] == carried
    received_since = Dossier.objects.filter(received_at__gte=structure_start())
    assert not received_since.filter(level=Level.DISTRICT).exists()
    assert not received_since.filter(receiving_agency__level=Level.DISTRICT).exists()
    assert levels["total"]["received_new"] == (
        levels["province"]["received_new"] + levels["commune"]["received_new"]
    )


def structure_start() -> dt.datetime:
    return dt.datetime.combine(REFORM_DATE, dt.time.min, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def test_a_routed_dossier_exists(demo: dict[str, Any]) -> None:
    routed = DossierEvent.objects.filter(type="routed").select_related("dossier")
    assert routed.exists()
    d = routed.first().dossier  # type: ignore[union-attr]
    assert d.receiving_agency.kind == AgencyKind.COMMUNE_CENTER
    assert d.processing_agency.unit_id != d.receiving_agency.unit_id


def test_the_demo_every_state_and_aggregates(demo: dict[str, Any]) -> None:
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {
        Status.SUBMITTED,
        Status.REFUSED,
        Status.IN_PROGRESS,
        Status.AWAITING_SUPPLEMENT,
        Status.RESOLVED,
        Status.WITHDRAWN,
        Status.RETURNED,
    } <= statuses
    assert demo["history"]["created"] > 0
    assert demo["aggregates"]


def test_idempotent_and_refuses_the_2022_demo(demo: dict[str, Any]) -> None:
    n = (Agency.objects.count(), Dossier.objects.count())
    again = demo_current_load(scale=SCALE)
    assert again["catalog"]["created"] == 0 and again["dossiers"]["created"] == 0
    assert (Agency.objects.count(), Dossier.objects.count()) == n
    # the former Bình Phước center (the 2022 demo's, code 000.01.01.H10) in force again: a
    # database holding the 2022 demo is refused
    assert Agency.objects.filter(code="000.01.01.H10").update(valid_to=None) == 1
    with pytest.raises(ValidationFailed) as e:
        demo_current_load(scale=SCALE)
    assert e.value.code == "demo_2022_present"


@pytest.mark.slow(seconds=19)  # its file is scheduled first (tests/conftest.py)
def test_command_prints_logins(demo: dict[str, Any], settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo", "--current", f"--scale={SCALE}", stdout=out)
    text = out.getvalue()
    assert "Tỉnh trình diễn hai cấp" in text and "motcua.dongxoai" in text
    creds = (tmp_path / "demo-credentials.txt").read_text(encoding="utf-8")
    assert "motcua.dongxoai" in creds and "staff password:" in creds
    assert "ld.dongxoai" in (tmp_path / "demo-otp.txt").read_text(encoding="utf-8")
