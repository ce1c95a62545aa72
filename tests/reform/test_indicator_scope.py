"""The reform indicators' list (``Indicator``: code, name, area, kind) is one list every unit's
figures and reports read. A province administrator's role held at a district agency manages that
district's unit (its plans and figures), never the list: renaming an indicator or changing its
kind changes what every other unit's values mean. Nor does another province's administrator:
only someone who keeps every agency of the installation (or a superuser, or the system)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from motcua.audit.models import AuditEntry
from motcua.core.errors import PermissionDenied
from motcua.reform import plan_access as access
from motcua.reform import plan_services as services
from motcua.reform.models import Indicator, IndicatorValue
from tests.dossiers import conftest as dossiers_world
from tests.dossiers.conftest import other_province_admin, province_admin
from tests.reform import plan_world
from tests.reform.plan_world import ReformWorld

pytestmark = pytest.mark.django_db

D = dt.date

world = dossiers_world.world  # the shared small province (fixture)
reform_world = plan_world.reform_world  # fixture


def _snapshot(ind: Indicator) -> tuple[Any, ...]:
    fresh = Indicator.objects.get(pk=ind.pk)
    return (fresh.code, fresh.name, fresh.area, fresh.kind, fresh.measure)


def _district_admin(rw: ReformWorld) -> Any:
    return province_admin("qt_huyen", rw.w.district_committee, "reform")


def test_a_district_held_admin_role_cannot_change_the_indicator_list(
    reform_world: ReformWorld,
) -> None:
    rw = reform_world
    _refused(_district_admin(rw))
    # the province's administrator (who keeps every agency here) and the system still may
    assert access.keeps_indicator_list(rw.admin) and access.keeps_indicator_list(None)
    ind = Indicator.objects.get(code="thu-nsnn")
    kept = Indicator.objects.get(pk=ind.pk)
    kept.name = "Thu ngân sách nhà nước trên địa bàn"
    services.indicator_save(actor=rw.admin, indicator=kept)
    assert _snapshot(ind)[1] == "Thu ngân sách nhà nước trên địa bàn"


def test_one_province_of_several_cannot_change_the_shared_list(
    reform_world: ReformWorld,
) -> None:
    """With a second province in the installation, neither province's administrator keeps the
    list any more (a superuser or the command line does)."""
    rw = reform_world
    outsider, _ = other_province_admin("reform")
    _refused(outsider)
    _refused(rw.admin)


def _refused(*actors: Any) -> None:
    ind = Indicator.objects.get(code="thu-nsnn")
    before, audits, count = _snapshot(ind), AuditEntry.objects.count(), Indicator.objects.count()
    for who in actors:
        assert not access.keeps_indicator_list(who)
        changed = Indicator.objects.get(pk=ind.pk)
        changed.name = "Chỉ tiêu bị đổi tên"
        with pytest.raises(PermissionDenied) as exc:
            services.indicator_save(actor=who, indicator=changed)
        assert exc.value.code == "permission_denied"
        assert "danh mục chỉ tiêu" in exc.value.message
        with pytest.raises(PermissionDenied):
            services.indicator_save(
                actor=who,
                indicator=Indicator(code="moi", name="Mới", area=ind.area, kind=ind.kind),
            )
    assert _snapshot(ind) == before
    assert Indicator.objects.count() == count
    assert AuditEntry.objects.count() == audits


def test_a_district_held_admin_role_manages_its_district_only(
    reform_world: ReformWorld,
) -> None:
    rw = reform_world
    district = _district_admin(rw)
    ind = Indicator.objects.get(code="thu-nsnn")
    kept = IndicatorValue.objects.get(indicator=ind).value
    with pytest.raises(PermissionDenied):
        services.indicator_value_save(
            actor=district,
            indicator=ind,
            unit=rw.w.province,
            period_from=D(2022, 1, 1),
            period_to=D(2022, 6, 30),
            value=Decimal(1),
            source="x",
        )
    assert IndicatorValue.objects.get(indicator=ind, unit=rw.w.province).value == kept
    row = services.indicator_value_save(
        actor=district,
        indicator=ind,
        unit=rw.w.district,
        period_from=D(2022, 1, 1),
        period_to=D(2022, 6, 30),
        value=Decimal(12),
        source="Báo cáo của thành phố",
    )
    assert row.unit == rw.w.district


def test_the_administration_refuses_the_district_held_role_with_a_403(
    reform_world: ReformWorld,
) -> None:
    rw = reform_world
    c = Client()
    c.force_login(_district_admin(rw))
    ind = Indicator.objects.get(code="thu-nsnn")
    before = _snapshot(ind)
    r = c.post(
        f"/admin/reform/indicator/{ind.pk}/change/",
        {
            "code": ind.code,
            "name": "Chỉ tiêu bị đổi tên",
            "area": ind.area,
            "kind": ind.kind,
            "measure": ind.measure,
            "description": ind.description,
        },
    )
    assert r.status_code == 403
    r = c.post(
        "/admin/reform/indicator/add/",
        {"code": "moi", "name": "Mới", "area": ind.area, "kind": ind.kind},
    )
    assert r.status_code == 403
    assert _snapshot(ind) == before
    assert not Indicator.objects.filter(code="moi").exists()


def test_another_province_admin_lists_none_of_this_provinces_figures_plans_or_tasks(
    reform_world: ReformWorld,
) -> None:
    """The administration's lists of figures, plans and tasks hold the administrator's own
    units' rows only (the pages already do): another province's administrator neither lists nor
    opens this province's."""
    from motcua.reform.models import ReformPlan, ReformTask

    rw = reform_world
    value = IndicatorValue.objects.filter(unit=rw.w.province).first()
    plan = ReformPlan.objects.filter(unit=rw.w.province).first()
    task = ReformTask.objects.filter(plan=plan).first()
    assert value is not None and plan is not None and task is not None
    outsider, _ = other_province_admin("reform")
    c = Client()
    c.force_login(outsider)
    for model, row in (("indicatorvalue", value), ("reformplan", plan), ("reformtask", task)):
        listed = c.get(f"/admin/reform/{model}/")
        assert listed.status_code == 200
        assert listed.context["cl"].result_count == 0, model
        opened = c.get(f"/admin/reform/{model}/{row.pk}/change/")
        assert opened.status_code == 302 and opened["Location"] == "/admin/", model
    mine = province_admin("quantri_binhphuoc", rw.w.center.parent, "reform")
    c.force_login(mine)  # this province's administrator still sees them
    for model in ("indicatorvalue", "reformplan", "reformtask"):
        assert c.get(f"/admin/reform/{model}/").context["cl"].result_count > 0, model
