"""The two-level demo's live dossiers, made through the real services (``dossiers.services``):

* dossiers received at the former Bình Phước district desks in May–June 2025, some already at
  the district committee's specialist, carried over by the transition of 1 July 2025
  (``motcua.units.transition.apply_transition``) to the commune centers that succeeded them,
  some then finished there in July, some still open;
* today's work at the provincial center (every state: received, at the leader, resolved and
  returned, supplement, withdrawn, returned unresolved, apology, overdue, refused, online), and
  at the commune centers (received, inter-level up to the province, resolved and returned, and a
  dossier received at one commune center for a procedure of another commune: routed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.demo import dossiers_gen
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.units.models import Agency, Level
from motcua.units.services import REFORM_DATE

APPLICANT_PREFIX = "07599"  # id numbers of the demo's applicants (never real ones)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Đức")
GIVEN = ("An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Lan", "Long", "Nam", "Vy")
VN = dt.timezone(dt.timedelta(hours=7))
TRANSITION_AT = dt.datetime.combine(REFORM_DATE, dt.time(0, 5), tzinfo=VN)


class Clock(dossiers_gen.Clock):
    """Working instants on the national calendar: counted back from the anchor day (as the
    demo's own dossiers), or forward."""

    def on(self, day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
        """``hour:minute`` on ``day`` or the first working day after it."""
        while not self.cal.is_working_day(day):
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VN)


@dataclass
class Ctx:
    users: dict[str, Any]
    rng: random.Random
    clock: Clock
    serial: Any

    def person(self, place: str) -> svc.ApplicantData:
        n = next(self.serial)
        name = f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"
        return svc.ApplicantData(
            name,
            f"{APPLICANT_PREFIX}{n:07d}",
            phone=f"09{self.rng.randint(10**7, 10**8 - 1)}",
            email=f"congdan{n}@example.vn",
            address=f"Số {self.rng.randint(1, 300)}, {place}, tỉnh Đồng Nai",
        )

    def intake(self, p: Procedure, place: str) -> svc.Intake:
        docs = list(p.documents.all())
        return svc.Intake(
            procedure=p,
            applicant=self.person(place),
            request=f"Đề nghị giải quyết: {p.name}",
            checklist=[
                svc.ChecklistEntry(d.name, d.originals, d.copies, True, d.mandatory) for d in docs
            ],
        )

    def receive(self, desk: Agency, counter: str, p: Procedure, at: dt.datetime) -> Dossier:
        return svc.dossier_receive(
            actor=self.users[counter],
            desk=desk,
            intake=self.intake(p, desk.unit.name),
            now=at,
        )

    def work(self, d: Dossier, times: list[dt.datetime]) -> Dossier:
        """Complete as many steps as there are times, each by the demo officer whose step it
        is (stops at a step nobody of the demo holds, and before the result's return)."""
        from motcua.dossiers.access import STEP_ROLE
        from motcua.units.models import Membership

        for at in times:
            step = d.steps.filter(status="active").order_by("order", "id").first()
            if step is None or step.role == "tra_ket_qua":
                break  # the result is returned with result_return, by the story
            m = (
                Membership.objects.filter(
                    agency_id=step.agency_id, role=STEP_ROLE[step.role], active=True
                )
                .select_related("user")
                .order_by("user__username")
                .first()
            )
            if m is None:
                break
            svc.step_complete(
                actor=m.user,
                dossier=d,
                step=step,
                now=at,
                note="Đồng ý" if step.role.startswith("lanh_dao") else "",
            )
        d.refresh_from_db()
        return d


def _procedures(status: str = "published", **filters: Any) -> list[Procedure]:
    return list(
        Procedure.objects.filter(status=status, **filters)
        .prefetch_related("documents", "steps")
        .order_by("code")[:40]
    )


def carried_over(ctx: Ctx, built: Any) -> list[Dossier]:
    """Received at the former Đồng Xoài and Lộc Ninh desks in May–June 2025 (the district
    procedures of the time), still open on 30 June 2025."""
    former = {a.successor_id: a for a in Agency.objects.filter(pk__in=list(built.successors))}
    old = _procedures(  # the versions that ended with the district level (amended since)
        status="amended",
        level=Level.DISTRICT,
        valid_to__isnull=False,
        is_inter_level=False,
        is_vertical=False,
        time_limit_days__gte=10,
    )
    made = []
    plan = [
        # (commune of the former seat, counter, received, steps done before July)
        ("25210", "cu.motcua.dongxoai", dt.date(2025, 6, 10), 1),
        ("25210", "cu.motcua.dongxoai", dt.date(2025, 6, 17), 0),
        ("25210", "cu.motcua.dongxoai", dt.date(2025, 6, 24), 1),
        ("25210", "cu.motcua.dongxoai", dt.date(2025, 6, 26), 0),
        ("25270", "cu.motcua.locninh", dt.date(2025, 5, 28), 1),
        ("25270", "cu.motcua.locninh", dt.date(2025, 6, 20), 0),
    ]
    for i, (commune, counter, day, done) in enumerate(plan):
        desk = former[built.communes[commune][1].pk]
        p = old[(i * 7) % len(old)]
        d = ctx.receive(desk, counter, p, ctx.clock.on(day, 8 + i % 3, 30))
        if done:
            d = ctx.work(d, [ctx.clock.on(day + dt.timedelta(days=3), 15)])
        made.append(d)
    return made


def after_transition(ctx: Ctx, carried: list[Dossier]) -> None:
    """In July 2025 the successors finish some of the carried-over dossiers."""
    u = ctx.users
    first, third = carried[0], carried[2]
    for d, start in ((first, dt.date(2025, 7, 2)), (third, dt.date(2025, 7, 8))):
        d.refresh_from_db()
        d = ctx.work(
            d,
            [ctx.clock.on(start + dt.timedelta(days=k), 10 + k) for k in range(4)],
        )
        if d.status == "resolved":
            svc.result_return(
                actor=u["motcua.dongxoai"],
                dossier=d,
                method="Trực tiếp tại quầy",
                now=ctx.clock.on(start + dt.timedelta(days=6), 9),
            )


def today(ctx: Ctx, built: Any) -> int:
    """The live work of recent days at the provincial center and the commune centers."""
    from motcua.demo.current.staff import BIEN_HOA, DONG_XOAI, LOC_NINH, staff_plan

    u, clock = ctx.users, ctx.clock
    by_name = {s.username: s for s in staff_plan(built)}
    center = built.center
    justice = by_name["cv.tuphap"].agency
    environment = by_name["cv.nnmt"].agency
    prov_justice = _procedures(agency=justice, is_inter_level=False, valid_to__isnull=True)
    prov_env = _procedures(agency=environment, is_inter_level=False, valid_to__isnull=True)
    commune = _procedures(
        level=Level.COMMUNE,
        is_inter_level=False,
        is_vertical=False,
        valid_to__isnull=True,
        time_limit_days__gte=3,
    )
    commune_inter = _procedures(level=Level.COMMUNE, is_inter_level=True, valid_to__isnull=True)
    dx = built.communes[DONG_XOAI][1]
    bh = built.communes[BIEN_HOA][1]
    ln = built.communes[LOC_NINH][1]
    made = 0

    def receive(desk: Agency, counter: str, p: Procedure, at: dt.datetime) -> Dossier:
        nonlocal made
        made += 1
        return ctx.receive(desk, counter, p, at)

    # provincial center (Sở Tư pháp, Sở Nông nghiệp và Môi trường)
    for i in range(4):
        receive(center, "motcua.tinh", prov_justice[i], clock.back(i, 8 + i, 15))
    for i in range(2):
        d = receive(center, "motcua.tinh", prov_justice[4 + i], clock.back(6 + i, 9, 30))
        ctx.work(d, [clock.back(2 + i, 15)])
    for i in range(3):
        d = receive(center, "motcua.tinh", prov_justice[6 + i], clock.back(40 + i, 8))
        d = ctx.work(d, [clock.back(39 + i, 10), clock.back(38 + i, 9), clock.back(38 + i, 14)])
        if d.status == "resolved":
            svc.result_return(
                actor=u["motcua.tinh"], dossier=d, method="Trực tiếp tại quầy", now=clock.back(37)
            )
    d = receive(center, "motcua.tinh", prov_justice[9], clock.back(2, 8))
    svc.supplement_request(
        actor=u["cv.tuphap"],
        dossier=d,
        reason="Bản sao chưa chứng thực",
        items=[{"name": "Bản sao có chứng thực Giấy chứng nhận", "originals": 0, "copies": 1}],
        contact="Sở Tư pháp tỉnh Đồng Nai",
        now=clock.back(1, 10),
    )
    d = receive(center, "motcua.tinh", prov_justice[10], clock.back(5, 10))
    svc.dossier_withdraw(
        actor=u["motcua.tinh"], dossier=d, reason="Người nộp xin rút hồ sơ", now=clock.back(3, 10)
    )
    d = receive(center, "motcua.tinh", prov_justice[11], clock.back(8, 10))
    ctx.work(d, [clock.back(6, 10)])
    svc.dossier_return_unresolved(
        actor=u["ld.tuphap"],
        dossier=d,
        reasons="Không đáp ứng điều kiện theo quy định",
        now=clock.back(4, 10),
    )
    short = [p for p in prov_env if p.time_limit_days <= 10] or prov_env
    p = short[0]
    d = receive(center, "motcua.tinh", p, clock.back(int(p.time_limit_days) + 3, 9))
    due = d.due_at or timezone.now()
    svc.apology_issue(
        actor=u["ld.nnmt"],
        dossier=d,
        reason="Cần xác minh thực địa, chờ ý kiến của UBND cấp xã",
        new_appointment=clock.back(0, 16) + dt.timedelta(days=5),
        now=max(due - dt.timedelta(hours=2), d.received_at or due),
    )
    p = short[-1]
    receive(center, "motcua.tinh", p, clock.back(int(p.time_limit_days) + 2, 9))  # overdue
    svc.counter_refuse(
        actor=u["motcua.tinh"],
        desk=center,
        intake=ctx.intake(prov_justice[12], center.unit.name),
        reasons="Thủ tục không thuộc thẩm quyền của tỉnh",
        now=clock.back(1, 14),
    )
    made += 1
    for i in range(2):
        svc.dossier_submit_online(
            applicant=ctx.person("Phường Trấn Biên"),
            procedure=prov_justice[i],
            desk=center,
            request="Nộp trực tuyến trên Cổng dịch vụ công",
            now=clock.back(0, 7) - dt.timedelta(hours=3 + i),
        )
        made += 1

    # commune centers
    for i in range(3):
        receive(dx, "motcua.dongxoai", commune[i], clock.back(i, 10, 5 * i))
    for i in range(2):
        d = receive(dx, "motcua.dongxoai", commune[3 + i], clock.back(12 + i, 8))
        d = ctx.work(d, [clock.back(11 + i, 10), clock.back(10 + i, 10), clock.back(10 + i, 15)])
        if d.status == "resolved" and i == 0:  # the other waits at the counter for its return
            svc.result_return(
                actor=u["motcua.dongxoai"], dossier=d, method="Trực tiếp", now=clock.back(9 + i)
            )
    d = receive(dx, "motcua.dongxoai", commune[5], clock.back(3, 9))
    ctx.work(d, [clock.back(2, 10)])  # at the commune leader
    if commune_inter:
        d = receive(dx, "motcua.dongxoai", commune_inter[0], clock.back(4, 8))
        ctx.work(d, [clock.back(3, 10)])  # up to the province
    for i in range(2):
        receive(bh, "motcua.bienhoa", commune[6 + i], clock.back(i, 9))
    d = receive(bh, "motcua.bienhoa", commune[8], clock.back(9, 9))
    d = ctx.work(d, [clock.back(8, 10), clock.back(7, 10), clock.back(7, 15)])
    receive(ln, "motcua.locninh", commune[9], clock.back(1, 10))
    made += routed(ctx, dx, built.communes[BIEN_HOA][0], commune[10])
    return made


def routed(ctx: Ctx, desk: Agency, competent: Agency, p: Procedure) -> int:
    """A dossier received at ``desk`` for a procedure that another commune's People's Committee
    (``competent``) decides: intake regardless of residence, routed there (issue 11)."""
    intake = dataclasses.replace(ctx.intake(p, competent.unit.name), competent_agency=competent)
    d = svc.dossier_receive(
        actor=ctx.users["motcua.dongxoai"], desk=desk, intake=intake, now=ctx.clock.back(1, 14)
    )
    # the other commune's specialist takes it an hour later
    ctx.work(d, [min(timezone.now(), _required(d.received_at) + dt.timedelta(hours=1))])
    return 1


def _required(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        raise ValueError("demo: a received dossier has no receipt time")
    return value


def live_load(users: dict[str, Any], built: Any, seed: int) -> dict[str, Any]:
    """Idempotent: nothing when the demo's live dossiers are there."""
    from motcua.demo.current.staff import end_former_roles
    from motcua.units.transition import apply_transition

    if Dossier.objects.filter(applicant__id_number__startswith=APPLICANT_PREFIX).exists():
        return {"created": 0, "carried_over": 0, "moved": 0}
    ctx = Ctx(users, random.Random(seed), Clock(timezone.now()), iter(range(1, 100_000)))
    carried = carried_over(ctx, built)
    result = apply_transition(REFORM_DATE, actor=None, now=TRANSITION_AT)
    end_former_roles(built)
    after_transition(ctx, carried)
    made = today(ctx, built)
    return {
        "created": made + len(carried),
        "carried_over": len(carried),
        "moved": result.moved_dossiers,
    }


def carried_over_dossiers() -> Any:
    """The demo's dossiers received under the former structure (for tests and the report)."""
    return Dossier.objects.filter(
        Q(origin_receiving_agency__isnull=False) | Q(origin_processing_agency__isnull=False)
    )
