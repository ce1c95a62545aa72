"""Reform plan services: the overdue flag, who may change what, refusals that change nothing,
and the audit trail (actor, before → after)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.audit.models import AuditEntry
from motcua.audit.services import audit_verify
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.reform import plan_services as services
from motcua.reform.models import (
    Area,
    Indicator,
    IndicatorValue,
    LegalDocCount,
    ReformTask,
    TaskNote,
    TaskStatus,
)
from motcua.reform.plan_access import task_get_for, tasks_visible_to
from motcua.reform.plan_demo import seed_reform_demo
from motcua.units.models import AdministrativeUnit, Agency, Level, UnitKind
from tests.dossiers import conftest as dossiers_world
from tests.reform import plan_world
from tests.reform.plan_world import ReformWorld

D = dt.date

world = dossiers_world.world  # the shared small province (fixture)
reform_world = plan_world.reform_world  # fixture


def _unchanged(task: ReformTask) -> tuple:
    t = ReformTask.objects.get(pk=task.pk)
    return (t.status, t.progress, t.completed_on, t.version, t.notes.count())


def test_overdue_flag_open_after_deadline_only(reform_world: ReformWorld) -> None:
    rw = reform_world
    t = services.task_save(
        actor=rw.admin,
        plan=rw.plan,
        area=Area.DIGITAL,
        title="Nâng cấp hệ thống một cửa điện tử",
        agency=rw.w.justice,
        deadline=D(2022, 5, 31),
    )
    assert not t.is_overdue(D(2022, 5, 31))  # the deadline day itself is still in time
    assert t.is_overdue(D(2022, 6, 1))
    assert t in ReformTask.objects.overdue(D(2022, 6, 1))
    assert t not in ReformTask.objects.overdue(D(2022, 5, 31))
    done = services.task_progress(
        actor=rw.own,
        task=t,
        status=TaskStatus.DONE,
        progress=40,
        text="Đã nghiệm thu",
        version=t.version,
        completed_on=D(2022, 6, 3),
    )
    assert done.progress == 100  # done means 100%, whatever was typed
    assert not done.is_overdue(D(2022, 7, 1))
    assert done not in ReformTask.objects.overdue(D(2022, 7, 1))
    assert done.done_late()  # finished after the deadline: shown, not flagged overdue
    cancelled = services.task_save(
        actor=rw.admin,
        plan=rw.plan,
        area=Area.DIGITAL,
        title="Nhiệm vụ bị điều chỉnh",
        agency=rw.w.justice,
        deadline=D(2022, 3, 1),
    )
    services.task_progress(
        actor=rw.admin,
        task=cancelled,
        status=TaskStatus.CANCELLED,
        progress=0,
        text="Điều chỉnh kế hoạch",
        version=cancelled.version,
    )
    assert not ReformTask.objects.get(pk=cancelled.pk).is_overdue(D(2022, 7, 1))


def test_demo_plan_has_six_areas_and_an_overdue_task(reform_world: ReformWorld) -> None:
    tasks = ReformTask.objects.filter(plan=reform_world.plan)
    assert set(tasks.values_list("area", flat=True)) == set(Area.values)
    overdue = list(tasks.overdue(D(2022, 6, 30)))
    assert [t.title for t in overdue] == [
        "Số hóa hồ sơ, kết quả giải quyết TTHC mức độ 2 tại Bộ phận Một cửa các cấp"
    ]
    assert LegalDocCount.objects.get(kind="qd_qppl").count == 15
    assert LegalDocCount.objects.get(kind="gop_y").count == 154
    before = AuditEntry.objects.count()
    assert seed_reform_demo() == {"plan": "có sẵn"}  # idempotent
    assert AuditEntry.objects.count() == before


def test_other_agency_cannot_see_or_change_a_task(reform_world: ReformWorld) -> None:
    rw = reform_world
    state = _unchanged(rw.task)
    audits = AuditEntry.objects.count()
    assert rw.task not in tasks_visible_to(rw.other)
    with pytest.raises(PermissionDenied):
        services.task_progress(
            actor=rw.other,
            task=rw.task,
            status=TaskStatus.DONE,
            progress=100,
            text="Xong",
            version=rw.task.version,
        )
    assert _unchanged(rw.task) == state
    assert AuditEntry.objects.count() == audits
    from motcua.core.errors import NotFound

    with pytest.raises(NotFound):
        task_get_for(rw.other, rw.task.pk)
    with pytest.raises(NotFound):
        task_get_for(rw.citizen, rw.task.pk)


def test_agency_staff_cannot_redefine_tasks_or_enter_figures(reform_world: ReformWorld) -> None:
    rw = reform_world
    with pytest.raises(PermissionDenied):
        services.task_save(
            actor=rw.own,
            plan=rw.plan,
            task=rw.task,
            area=rw.task.area,
            title=rw.task.title,
            agency=rw.task.agency,
            deadline=D(2022, 12, 31),
        )
    ind = Indicator.objects.get(code="thu-nsnn")
    with pytest.raises(PermissionDenied):
        services.indicator_value_save(
            actor=rw.own,
            indicator=ind,
            unit=rw.w.province,
            period_from=D(2022, 1, 1),
            period_to=D(2022, 6, 30),
            value=Decimal(1),
            source="x",
        )
    assert IndicatorValue.objects.get(indicator=ind).value == Decimal("7250")


def test_a_task_agency_outside_the_plan_province_is_refused(reform_world: ReformWorld) -> None:
    """The page offers only agencies of the plan's province; the service holds the same rule for
    every caller (a forged post, the import, the admin, the system itself): an agency of another
    province is refused, on a new task and on a changed one, and nothing is written."""
    rw = reform_world
    other_province = AdministrativeUnit.objects.create(
        code="74", name="Tỉnh Bình Dương", kind=UnitKind.PROVINCE, level=Level.PROVINCE
    )
    foreign = Agency.objects.create(
        code="000.00.15.H56",
        name="Sở Tư pháp tỉnh Bình Dương",
        kind="so_nganh",
        level=1,
        unit=other_province,
    )
    tasks = ReformTask.objects.count()
    audits = AuditEntry.objects.count()
    for actor in (rw.admin, None):  # the province administrator, and the system (commands, demo)
        with pytest.raises(ValidationFailed) as exc:
            services.task_save(
                actor=actor,
                plan=rw.plan,
                area=Area.DIGITAL,
                title="Nhiệm vụ giao cho cơ quan tỉnh khác",
                agency=foreign,
                deadline=D(2022, 12, 31),
            )
        assert exc.value.code == "agency_outside_plan"
        assert foreign.name in exc.value.message and rw.plan.unit.name in exc.value.message
    before = (rw.task.snapshot(), rw.task.version)
    with pytest.raises(ValidationFailed) as exc:
        services.task_save(
            actor=rw.admin,
            plan=rw.plan,
            task=rw.task,
            area=rw.task.area,
            title=rw.task.title,
            agency=foreign,
            deadline=rw.task.deadline,
        )
    assert exc.value.code == "agency_outside_plan"
    kept = ReformTask.objects.get(pk=rw.task.pk)
    assert (kept.snapshot(), kept.version) == before
    assert ReformTask.objects.count() == tasks
    assert AuditEntry.objects.count() == audits
    # an agency of the plan's province, at any level below it, is still taken
    commune_task = services.task_save(
        actor=rw.admin,
        plan=rw.plan,
        area=Area.DIGITAL,
        title="Số hóa tại Bộ phận Một cửa phường",
        agency=rw.w.commune_desk,
        deadline=D(2022, 12, 31),
    )
    assert commune_task.agency == rw.w.commune_desk


def test_progress_is_audited_with_actor_before_and_after(reform_world: ReformWorld) -> None:
    rw = reform_world
    before_status = rw.task.status
    t = services.task_progress(
        actor=rw.own,
        task=rw.task,
        status=TaskStatus.IN_PROGRESS,
        progress=80,
        text="Đã hoàn thành 4/5 đợt kiểm tra",
        version=rw.task.version,
    )
    e = AuditEntry.objects.filter(action="reform.task_progress", object_id=str(t.pk)).last()
    assert e is not None and e.actor_id == rw.own.pk
    assert e.before["status"] == before_status and e.before["progress"] == 50
    assert e.after["progress"] == 80 and e.after["note"] == "Đã hoàn thành 4/5 đợt kiểm tra"
    assert TaskNote.objects.filter(task=t, author=rw.own, progress=80).exists()
    assert audit_verify().ok


def test_stale_page_and_bad_values_are_refused_in_vietnamese(reform_world: ReformWorld) -> None:
    rw = reform_world
    state = _unchanged(rw.task)
    with pytest.raises(ValidationFailed, match="vừa được người khác cập nhật"):
        services.task_progress(
            actor=rw.own,
            task=rw.task,
            status=TaskStatus.DONE,
            progress=100,
            text="x",
            version=rw.task.version - 1,
        )
    with pytest.raises(ValidationFailed, match="Chỉ nhập ngày hoàn thành"):
        services.task_progress(
            actor=rw.own,
            task=rw.task,
            status=TaskStatus.IN_PROGRESS,
            progress=60,
            text="x",
            version=rw.task.version,
            completed_on=D(2022, 6, 1),
        )
    with pytest.raises(ValidationFailed, match="Chưa nhập nội dung"):
        services.task_progress(
            actor=rw.own,
            task=rw.task,
            status=TaskStatus.IN_PROGRESS,
            progress=60,
            text="   ",
            version=rw.task.version,
        )
    assert _unchanged(rw.task) == state
    count = Indicator.objects.get(code="cq-chuc-nang")
    with pytest.raises(ValidationFailed, match="nhận số nguyên"):
        services.indicator_value_save(
            actor=rw.admin,
            indicator=count,
            unit=rw.w.province,
            period_from=D(2022, 7, 1),
            period_to=D(2022, 12, 31),
            value=Decimal("17.5"),
            source="Sở Nội vụ",
        )
    with pytest.raises(ValidationFailed, match="Ngày kết thúc kỳ"):
        services.narrative_save(
            actor=rw.admin,
            unit=rw.w.province,
            period_from=D(2022, 7, 1),
            period_to=D(2022, 6, 30),
            area=Area.INSTITUTIONS,
            text="Nội dung",
        )
    assert not IndicatorValue.objects.filter(period_from=D(2022, 7, 1)).exists()


def test_a_task_cannot_be_done_before_its_plan(reform_world: ReformWorld) -> None:
    """The fourth probe backdated a 2022 plan's task to 1 January 2000: it then counted as
    done on time. A task is done on or after its plan's issue (or its year's first day)."""
    rw = reform_world
    plan = rw.task.plan
    start = plan.issued_on or dt.date(plan.year, 1, 1)
    state = _unchanged(rw.task)
    for day in (dt.date(2000, 1, 1), start - dt.timedelta(days=1)):
        with pytest.raises(ValidationFailed) as exc:
            services.task_progress(
                actor=rw.own,
                task=rw.task,
                status=TaskStatus.DONE,
                progress=100,
                text="Xong",
                version=rw.task.version,
                completed_on=day,
                now=dt.datetime(2022, 6, 30, 3, tzinfo=dt.UTC),
            )
        assert exc.value.code == "before_plan"
        assert f"{start:%d/%m/%Y}" in exc.value.message
    assert _unchanged(rw.task) == state
    done = services.task_progress(
        actor=rw.own,
        task=rw.task,
        status=TaskStatus.DONE,
        progress=100,
        text="Xong",
        version=rw.task.version,
        completed_on=start,
        now=dt.datetime(2022, 6, 30, 3, tzinfo=dt.UTC),
    )
    assert done.completed_on == start


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("7.250", Decimal(7250)),
        ("1.234.567", Decimal(1234567)),
        ("7.250,5", Decimal("7250.5")),
        ("7,25", Decimal("7.25")),
        ("7250", Decimal(7250)),
        ("-1.000", Decimal(-1000)),
        ("7.25", None),
        ("7.2500", None),
        ("1.23.456", None),
    ],
)
def test_an_amount_is_read_the_vietnamese_way(typed: str, value: Decimal | None) -> None:
    """Dots group thousands, the comma marks the decimals: "7.250" was stored as 7,25 (the
    fourth probe), a thousand times too small. A dot that groups no thousands is refused."""
    from django.core.exceptions import ValidationError

    from motcua.reform.forms_plan import AmountField

    field = AmountField(label="Giá trị", max_digits=20, decimal_places=4)
    if value is None:
        with pytest.raises(ValidationError) as exc:
            field.clean(typed)
        assert "dấu phẩy cho phần thập phân" in str(exc.value)
    else:
        assert field.clean(typed) == value


@pytest.mark.parametrize("typed", ["9999-12-31", "31/12/9999", "1000-01-01", "1989-12-31"])
def test_a_date_past_the_years_a_plan_stands_in_is_refused(typed: str) -> None:
    """A period ending on 31/12/9999 was a 500 on the report (the fourth probe)."""
    from django.core.exceptions import ValidationError

    from motcua.reform.forms_plan import VNDateField

    with pytest.raises(ValidationError) as exc:
        VNDateField(label="Đến ngày").clean(typed)
    assert "năm phải từ 1990 đến" in str(exc.value)
    assert VNDateField(label="Đến ngày").clean("30/06/2022") == dt.date(2022, 6, 30)
