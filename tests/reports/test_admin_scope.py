"""What the reports read from the administration: a province's targets (by its unit), the
appraised scores of its agencies, and the Decision 766 index criteria that score every agency of
the installation. The administrator of another province may not list, open, change, delete or
add this province's targets and appraisals, nor the targets and criteria of the whole
installation (a row of no unit, the criteria) unless they keep every agency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from motcua.reports.decision766 import criteria_load
from motcua.reports.models import Appraisal, IndexCriterion, Target
from tests.dossiers.conftest import World, other_province_admin, province_admin

pytestmark = pytest.mark.django_db

D1, D2 = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _target(unit: Any, name: str) -> Target:
    return Target.objects.create(
        name=name, metric="on_time", unit=unit, period_from=D1, period_to=D2, value=Decimal(90)
    )


def _target_form(unit: Any, name: str = "Chỉ tiêu lạ") -> dict[str, Any]:
    return {
        "name": name,
        "metric": "on_time",
        "unit": unit.pk if unit is not None else "",
        "period_from": "2025-01-01",
        "period_to": "2025-12-31",
        "value": "10",
        "basis": "",
    }


def test_another_province_admin_cannot_reach_this_province_targets(world: World) -> None:
    ours = _target(world.province, "Đúng hạn Bình Phước")
    shared = _target(None, "Đúng hạn toàn hệ thống")
    outsider, committee = other_province_admin("reports")
    theirs = _target(committee.unit, "Đúng hạn Đồng Nai")
    c = _login(outsider)
    body = c.get("/admin/reports/target/").content.decode()
    assert theirs.name in body
    assert ours.name not in body and shared.name not in body
    for t in (ours, shared):
        url = f"/admin/reports/target/{t.pk}/change/"
        assert c.get(url).status_code in (302, 403, 404)
        c.post(url, _target_form(t.unit, t.name))
        c.post(f"/admin/reports/target/{t.pk}/delete/", {"post": "yes"})
    # a new target for this province, or the whole installation; their own moved here: refused
    for unit in (world.province, world.district, None):
        r = c.post("/admin/reports/target/add/", _target_form(unit))
        assert r.status_code == 403, unit
        assert "Bạn chỉ quản trị" in r.content.decode()
    r = c.post(
        f"/admin/reports/target/{theirs.pk}/change/", _target_form(world.province, theirs.name)
    )
    assert r.status_code == 403
    assert not Target.objects.filter(name="Chỉ tiêu lạ").exists()
    assert Target.objects.get(pk=theirs.pk).unit_id == committee.unit_id
    for t in (ours, shared):
        assert Target.objects.get(pk=t.pk).value == Decimal(90)


def test_another_province_admin_cannot_reach_this_province_appraisals(world: World) -> None:
    ours = Appraisal.objects.create(
        agency=world.justice, period_from=D1, period_to=D2, scores={"i1": 2}, appraised_by="SNV"
    )
    outsider, _ = other_province_admin("reports")
    c = _login(outsider)
    assert world.justice.name not in c.get("/admin/reports/appraisal/").content.decode()
    url = f"/admin/reports/appraisal/{ours.pk}/change/"
    assert c.get(url).status_code in (302, 403, 404)
    form = {
        "agency": world.justice.pk,
        "period_from": "2025-01-01",
        "period_to": "2025-12-31",
        "scores": '{"i1": 0}',
        "appraised_by": "Sở Nội vụ Đồng Nai",
        "note": "",
    }
    c.post(url, form)
    c.post(f"/admin/reports/appraisal/{ours.pk}/delete/", {"post": "yes"})
    r = c.post("/admin/reports/appraisal/add/", {**form, "agency": world.health.pk})
    assert r.status_code == 403
    assert "Bạn chỉ quản trị" in r.content.decode()
    ours.refresh_from_db()
    assert ours.scores == {"i1": 2} and ours.appraised_by == "SNV"
    assert not Appraisal.objects.filter(agency=world.health).exists()


def test_only_who_keeps_the_installation_changes_the_index_criteria(world: World) -> None:
    criteria_load()
    row = IndexCriterion.objects.order_by("order").first()
    assert row is not None
    points = row.points
    outsider, _ = other_province_admin("reports")
    c = _login(outsider)
    assert c.get("/admin/reports/indexcriterion/").status_code == 403
    url = f"/admin/reports/indexcriterion/{row.pk}/change/"
    assert c.get(url).status_code in (302, 403, 404)
    r = c.post(
        "/admin/reports/indexcriterion/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": row.pk,
            "form-0-points": "99",
            "form-0-confirmed": "on",
            "_save": "Lưu",
        },
    )
    assert r.status_code == 403
    c.post(f"/admin/reports/indexcriterion/{row.pk}/delete/", {"post": "yes"})
    r = c.post(
        "/admin/reports/indexcriterion/add/",
        {
            "group": "x",
            "group_name": "x",
            "code": "x",
            "name": "x",
            "points": "1",
            "formula": "x",
            "steps": "[]",
            "order": "0",
        },
    )
    assert r.status_code == 403
    row.refresh_from_db()
    assert row.points == points
    assert not IndexCriterion.objects.filter(code="x").exists()


def test_the_administrator_of_the_only_province_keeps_them_all(world: World) -> None:
    """One province, one administrator: its targets, the installation's and the criteria."""
    criteria_load()
    admin = province_admin("qt_tinh_baocao", world.center, "reports")
    shared = _target(None, "Đúng hạn toàn hệ thống")
    c = _login(admin)
    assert shared.name in c.get("/admin/reports/target/").content.decode()
    r = c.post(f"/admin/reports/target/{shared.pk}/change/", _target_form(None, "Mới"))
    assert r.status_code == 302
    assert Target.objects.get(pk=shared.pk).name == "Mới"
    assert c.get("/admin/reports/indexcriterion/").status_code == 200
    r = c.post("/admin/reports/target/add/", _target_form(world.district, "Của huyện"))
    assert r.status_code == 302
