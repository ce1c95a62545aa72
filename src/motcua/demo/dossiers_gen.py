"""Demo staff and dossiers in every state, made through the real services (with times in the
recent past), so that every back-office page shows real content right after ``motcua demo``."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Generator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.dossiers import services as svc
from motcua.dossiers.files import check_upload
from motcua.dossiers.models import Dossier
from motcua.eforms.demo import demo_form_data
from motcua.eforms.models import FormDefinition
from motcua.esign.services import result_sign
from motcua.units.models import AdministrativeUnit, Agency, Level, Membership, Role
from motcua.worktime import core as wt

FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Đức", "Kim")
GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
)


@dataclass
class Staff:
    username: str
    name: str
    agency: Agency
    role: str


def _user(username: str, full_name: str, password: str, *, staff: bool = False) -> Any:
    """``full_name`` in Vietnamese order: family and middle names go to ``last_name``, the given
    name to ``first_name`` (``core.text.person_name`` puts them back family first)."""
    model = get_user_model()
    user = model.objects.filter(username=username).first() or model(username=username)
    last, _, first = full_name.rpartition(" ")
    user.last_name, user.first_name = last, first
    user.is_active = True
    user.is_staff = staff
    user.set_password(password)
    user.save()
    return user


def staff_plan() -> list[Staff]:
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="70", valid_from=None)
    center = Agency.objects.get(kind="trung_tam", unit=province)
    justice = Agency.objects.get(code="000.00.03.H10")
    environment = Agency.objects.get(code="000.00.10.H10")
    district = AdministrativeUnit.objects.get(level=Level.DISTRICT, code="689")  # Đồng Xoài
    d_committee = Agency.objects.get(unit=district, kind="ubnd")
    d_desk = Agency.objects.get(unit=district, kind="mot_cua")
    commune = AdministrativeUnit.objects.filter(parent=district).order_by("code").first()
    if commune is None:
        raise LookupError("demo: Đồng Xoài has no communes loaded")
    c_committee = Agency.objects.get(unit=commune, kind="ubnd")
    c_desk = Agency.objects.get(unit=commune, kind="mot_cua")
    committee = Agency.objects.get(unit=province, kind="ubnd")
    return [
        Staff("motcua.tinh", "Nguyễn Thị Hoa", center, Role.COUNTER),
        Staff("cv.tuphap", "Trần Văn Minh", justice, Role.SPECIALIST),
        Staff("ld.tuphap", "Lê Quốc Hùng", justice, Role.LEADER),
        Staff("cv.tnmt", "Phạm Thu Trang", environment, Role.SPECIALIST),
        Staff("ld.tnmt", "Võ Đức Long", environment, Role.LEADER),
        Staff("motcua.dongxoai", "Huỳnh Ngọc Mai", d_desk, Role.COUNTER),
        Staff("cv.dongxoai", "Đặng Minh Tuấn", d_committee, Role.SPECIALIST),
        Staff("ld.dongxoai", "Bùi Văn Nam", d_committee, Role.LEADER),
        Staff("motcua.xa", "Đỗ Thị Lan", c_desk, Role.COUNTER),
        Staff("cv.xa", "Hồ Văn Phúc", c_committee, Role.SPECIALIST),
        Staff("ld.xa", "Ngô Thanh Tâm", c_committee, Role.LEADER),
        Staff("quantri.tinh", "Dương Kim Ngân", committee, Role.PROVINCE_ADMIN),
    ]


#: What the province administrator keeps in the administration (DESIGN.md: the procedure
#: catalog and its application forms, calendars, units and users; reports' targets and index
#: criteria): every permission on these apps (their admins scope each row to the province, or
#: keep a row of the whole installation to whoever keeps every agency).
PROVINCE_ADMIN_APPS = ("catalog", "eforms", "worktime", "units", "reports", "reform")

#: The other models the administration scopes to the administrator's province
#: (``core.admin_scope``; docs/architecture.md, "Data that other agencies share"), each with
#: what the province administrator does there: read only where the administration is read only
#: or the row is the citizen's, changed where they keep it. Left out on purpose: a citizen's
#: stored documents and the text of the results drafted for them (``StoredDocument``,
#: ``ResultDraft``), the SMS log and the gateway's logs (the installation's), the login
#: security rows (axes, TOTP devices). README, "The demo's province administrator in /admin/".
PROVINCE_ADMIN_MODELS: dict[tuple[str, str], tuple[str, ...]] = {
    # users added and changed, not deleted (their history stays); the groups read only: a
    # group changed would hand its holders any permission, the administrator's own included
    ("auth", "user"): ("view", "add", "change"),
    ("auth", "group"): ("view",),
    ("audit", "auditentry"): ("view",),
    # a desk leaves use by "đang dùng" unticked (audited), not deleted; tickets are the queue's
    ("counterqueue", "desk"): ("view", "add", "change"),
    ("counterqueue", "ticket"): ("view",),
    # templates written through template_save (audited); none deleted, drafts keep them
    ("drafting", "resulttemplate"): ("view", "add", "change"),
    # issued by the command line only (the token or key never in a web form); "change" is the
    # revoke action
    ("api", "apiclient"): ("view", "change"),
    ("esign", "agencycertificate"): ("view", "change"),
    # the desks' booking calendar; a slot with bookings is kept (PROTECT)
    ("eservices", "slottemplate"): ("view", "add", "change", "delete"),
    ("eservices", "slot"): ("view", "add", "change", "delete"),
    ("eservices", "booking"): ("view",),
    ("eservices", "withdrawalrequest"): ("view",),
    # written by their services only: read
    ("feedback", "feedback"): ("view",),
    ("payments", "paymentrequest"): ("view",),
    ("payments", "receipt"): ("view",),
    ("popdata", "verification"): ("view",),
    ("integrations", "portaldelivery"): ("view",),
    ("integrations", "portalinbound"): ("view",),
}


def _province_admin_group() -> Any:
    """The 'Quản trị cấp tỉnh' group, with exactly the permissions above (set again on every
    run of the demo: one left from an earlier build goes)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _ = Group.objects.get_or_create(name="Quản trị cấp tỉnh")
    wanted = Q(content_type__app_label__in=PROVINCE_ADMIN_APPS)
    for (app, model), actions in PROVINCE_ADMIN_MODELS.items():
        wanted |= Q(
            content_type__app_label=app,
            content_type__model=model,
            codename__in=[f"{a}_{model}" for a in actions],
        )
    group.permissions.set(Permission.objects.filter(wanted))
    return group


def load_staff(password: str) -> dict[str, Any]:
    users = {}
    for s in staff_plan():
        admin = s.role == Role.PROVINCE_ADMIN
        user = _user(s.username, s.name, password, staff=admin)
        Membership.objects.get_or_create(user=user, agency=s.agency, role=s.role)
        if admin:
            user.groups.add(_province_admin_group())
        users[s.username] = user
    # the district's specialists also take the inter-level steps sent up from communes
    return users


class Clock:
    """Working instants counted back from now on the national calendar, all from one anchor day:
    the last working day whose working hours are over (today after 17:00, else the working day
    before). One anchor for every hour: counted from the last day that had reached each hour,
    a story's 10:00 and its next 09:00 fell on the same day in the wrong order whenever the demo
    was built between 09:00 and 10:00."""

    END_OF_DAY = dt.time(17, 0)

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.cal = wt.national_calendar()
        day = timezone.localtime(now).date()
        while not self.cal.is_working_day(day) or self._at(day, self.END_OF_DAY) > now:
            day -= dt.timedelta(days=1)
        self.anchor = day

    @staticmethod
    def _at(day: dt.date, time: dt.time) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, time))

    def back(self, working_days: int, hour: int = 9, minute: int = 0) -> dt.datetime:
        """``hour:minute`` (before 17:00) on the working day ``working_days`` before the anchor
        day (never in the future)."""
        day, left = self.anchor, working_days
        while left > 0:
            day -= dt.timedelta(days=1)
            if self.cal.is_working_day(day):
                left -= 1
        return self._at(day, dt.time(hour, minute))


def _pdf(title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format=(148, 210))
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=title)
    return bytes(pdf.output())


@dataclass
class Receipt:
    """A dossier a demo story has received at the counter (made in time order by ``_tell``)."""

    at: dt.datetime
    desk: Agency
    counter: str
    intake: svc.Intake


#: A demo story: yields its receipt, gets the received dossier back, then acts on it.
Story = Generator[Receipt, Dossier, None]


def _tell(stories: list[Story], users: dict[str, Any]) -> int:
    """Receive every story's dossier in receipt-time order, then let each story go on."""
    wanted = [(next(story), story) for story in stories]
    received: dict[int, Dossier] = {}
    for i, (r, _) in sorted(enumerate(wanted), key=lambda x: x[1][0].at):
        received[i] = svc.dossier_receive(
            actor=users[r.counter], desk=r.desk, intake=r.intake, now=r.at
        )
    for i, (_, story) in enumerate(wanted):
        with contextlib.suppress(StopIteration):
            story.send(received[i])
    return len(wanted)


def load_dossiers(users: dict[str, Any], seed: int = 2022) -> dict[str, int]:
    """Idempotent: does nothing when the demo dossiers are already there."""
    if Dossier.objects.filter(applicant__id_number__startswith="07099").exists():
        return {"created": 0}
    rng = random.Random(seed)
    clock = Clock(timezone.now())
    plan = staff_plan()
    by_name = {s.username: s for s in plan}
    center = by_name["motcua.tinh"].agency
    d_desk = by_name["motcua.dongxoai"].agency
    c_desk = by_name["motcua.xa"].agency
    justice = by_name["cv.tuphap"].agency
    environment = by_name["cv.tnmt"].agency
    serial = iter(range(1, 10_000))

    def person() -> svc.ApplicantData:
        n = next(serial)
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        return svc.ApplicantData(
            name,
            f"07099{n:07d}",
            phone=f"09{rng.randint(10**7, 10**8 - 1)}",
            email=f"nguoidan{n}@example.vn",
            address=f"Số {rng.randint(1, 300)}, {d_desk.unit.name}, Bình Phước",
        )

    def procedures(**filters: Any) -> list[Procedure]:
        # those with an electronic application form first: the live dossiers carry its data
        qs = (
            Procedure.objects.filter(status="published", **filters)
            .annotate(has_form=Exists(FormDefinition.objects.filter(procedure=OuterRef("pk"))))
            .prefetch_related("documents", "steps")
        )
        return list(qs.order_by("-has_form", "code")[:40])

    prov_justice = procedures(agency=justice, is_inter_level=False)
    prov_env = procedures(agency=environment, is_inter_level=False)
    district = procedures(
        level=Level.DISTRICT, is_inter_level=False, is_vertical=False, time_limit_days__gte=3
    )
    commune_inter = procedures(level=Level.COMMUNE, is_inter_level=True)
    commune_simple = procedures(level=Level.COMMUNE, is_inter_level=False, is_vertical=False)

    def intake(p: Procedure, scan: bool = True) -> svc.Intake:
        docs = list(p.documents.all())
        applicant = person()
        return svc.Intake(
            procedure=p,
            applicant=applicant,
            form_data=demo_form_data(p, applicant),  # the application form, if it has one
            request=f"Đề nghị giải quyết: {p.name}",
            checklist=[
                svc.ChecklistEntry(d.name, d.originals, d.copies, True, d.mandatory) for d in docs
            ],
            scans=[(docs[0].name, check_upload("ban-quet.pdf", _pdf("Ban quet ho so")))]
            if scan and docs
            else [],
        )

    u = users
    made = 0
    actors = {(s.agency.pk, s.role): u[s.username] for s in plan}

    def work(d: Dossier, times: list[dt.datetime]) -> Dossier:
        """Complete as many steps as there are times, each by the officer whose step it is."""
        from motcua.dossiers.access import STEP_ROLE

        for at in times:
            step = d.steps.filter(status="active").order_by("order", "id").first()
            if step is None:
                break
            actor = actors.get((step.agency_id, STEP_ROLE[step.role]))
            if actor is None:
                break
            svc.step_complete(
                actor=actor,
                dossier=d,
                step=step,
                now=at,
                note="Đồng ý" if step.role.startswith("lanh_dao") else "",
            )
        d.refresh_from_db()
        return d

    # Each story receives one dossier, then acts on it. All receipts are made first, in time
    # order, so that dossier codes and Sổ theo dõi numbers follow receipt order as they do at
    # a real counter; then every story goes on with its dossier.
    stories: list[Story] = []

    def receipt(desk: Agency, counter: str, p: Procedure, at: dt.datetime) -> Receipt:
        return Receipt(at, desk, counter, intake(p))

    def just_received(desk: Agency, counter: str, p: Procedure, at: dt.datetime) -> Story:
        yield receipt(desk, counter, p, at)

    # provincial, Sở Tư pháp: a spread of ages at the specialist step, some at the leader
    for i in range(6):
        p = prov_justice[i % len(prov_justice)]
        stories.append(just_received(center, "motcua.tinh", p, clock.back(i, 8 + i, 15)))

    def at_leader(i: int) -> Story:
        p = prov_justice[(i + 6) % len(prov_justice)]
        d = yield receipt(center, "motcua.tinh", p, clock.back(6 + i, 9, 30))
        work(d, [clock.back(2 + i, 15)])

    stories += [at_leader(i) for i in range(3)]

    # resolved on time, result returned; two with an electronic result signed by the leader
    # with the agency's demo certificate (PAdES, motcua.esign). Signing is the slow part, so the
    # demo signs these few; the 2022 history rows carry the electronic-result flag as counted
    # figures (an import of statistics, with no files), as they always did.
    def resolved(i: int) -> Story:
        p = prov_justice[(i + 9) % len(prov_justice)]
        d = yield receipt(center, "motcua.tinh", p, clock.back(40 + i, 8))
        d = work(d, [clock.back(39 + i, 10), clock.back(38 + i, 9), clock.back(38 + i, 14)])
        if d.status == "resolved":
            if i < 2:
                result_sign(
                    actor=u["ld.tuphap"],
                    dossier=d,
                    checked=check_upload("ket-qua.pdf", _pdf("Ket qua giai quyet")),
                    now=clock.back(38 + i, 15),
                )
            svc.result_return(
                actor=u["motcua.tinh"],
                dossier=d,
                method="Trực tiếp tại quầy",
                now=clock.back(37 + i, 9),
            )

    stories += [resolved(i) for i in range(4)]

    # overdue and apologised (Mẫu 04), still open
    def apologised() -> Story:
        p = next(x for x in prov_env if x.time_limit_days <= 10)
        d = yield receipt(center, "motcua.tinh", p, clock.back(int(p.time_limit_days) + 3, 9))
        due = d.due_at or timezone.now()
        svc.apology_issue(
            actor=u["ld.tnmt"],
            dossier=d,
            reason="Cần xác minh thực địa, chờ ý kiến của UBND cấp xã",
            new_appointment=clock.back(0, 16) + dt.timedelta(days=5),
            now=max(due - dt.timedelta(hours=2), d.received_at or due),
        )

    # resolved late (without apology), and overdue without apology
    def resolved_late() -> Story:
        p = next(x for x in prov_env if x.time_limit_days <= 7)
        d = yield receipt(center, "motcua.tinh", p, clock.back(int(p.time_limit_days) + 9, 10))
        work(d, [clock.back(3, 9), clock.back(2, 9), clock.back(2, 14)])

    overdue = prov_env[-1]
    stories += [
        apologised(),
        resolved_late(),
        just_received(
            center, "motcua.tinh", overdue, clock.back(int(overdue.time_limit_days) + 2, 9)
        ),
    ]

    # waiting for a supplement (Mẫu 02)
    def supplement() -> Story:
        d = yield receipt(center, "motcua.tinh", prov_justice[1], clock.back(2, 8))
        svc.supplement_request(
            actor=u["cv.tuphap"],
            dossier=d,
            reason="Bản sao chưa chứng thực",
            items=[{"name": "Bản sao có chứng thực Giấy chứng nhận", "originals": 0, "copies": 1}],
            contact="Phòng Bổ trợ tư pháp, Sở Tư pháp",
            now=clock.back(1, 10),
        )

    # withdrawn, returned unresolved (refused at the counter: below, no receipt)
    def withdrawn() -> Story:
        d = yield receipt(center, "motcua.tinh", prov_justice[2], clock.back(5, 10))
        svc.dossier_withdraw(
            actor=u["motcua.tinh"],
            dossier=d,
            reason="Người nộp xin rút hồ sơ",
            now=clock.back(3, 10),
        )

    def returned() -> Story:
        d = yield receipt(center, "motcua.tinh", prov_justice[3], clock.back(8, 10))
        work(d, [clock.back(6, 10)])
        svc.dossier_return_unresolved(
            actor=u["ld.tuphap"],
            dossier=d,
            reasons="Không đáp ứng điều kiện theo quy định",
            now=clock.back(4, 10),
        )

    # parallel electronic inter-agency, and a consultation pending
    def parallel() -> Story:
        d = yield receipt(center, "motcua.tinh", prov_justice[5], clock.back(3, 8))
        svc.dossier_dispatch_parallel(
            actor=u["cv.tuphap"],
            dossier=d,
            tasks=[
                svc.ParallelTask(environment, "Xác nhận hiện trạng sử dụng đất", Decimal(2)),
                svc.ParallelTask(
                    by_name["cv.dongxoai"].agency, "Xác minh tại địa phương", Decimal(2)
                ),
            ],
            now=clock.back(2, 10),
        )

    def consultation() -> Story:
        d = yield receipt(center, "motcua.tinh", prov_justice[6], clock.back(4, 9))
        svc.consultation_request(
            actor=u["cv.tuphap"],
            dossier=d,
            to_agency=environment,
            question="Đề nghị cho ý kiến về quy hoạch sử dụng đất",
            days=2,
            now=clock.back(4, 11),
        )

    stories += [supplement(), withdrawn(), returned(), parallel(), consultation()]

    # district desk: a handful in progress, one received after 15:00 today
    stories += [
        just_received(d_desk, "motcua.dongxoai", district[i % len(district)], clock.back(i, 9, 45))
        for i in range(5)
    ]
    stories.append(
        just_received(d_desk, "motcua.dongxoai", district[5 % len(district)], clock.back(0, 15, 20))
    )

    # commune → district inter-level: at the district step and at the commune step
    def inter_level(i: int, stop: int) -> Story:
        p = commune_inter[i % len(commune_inter)]
        d = yield receipt(c_desk, "motcua.xa", p, clock.back(6 + i, 8))
        work(d, [clock.back(5 + i, 10), clock.back(3, 10)][:stop])

    if commune_inter:
        stories += [inter_level(i, stop) for i, stop in enumerate((0, 1, 2))]
    stories += [
        just_received(
            c_desk, "motcua.xa", commune_simple[i % len(commune_simple)], clock.back(i, 10)
        )
        for i in range(3)
    ]
    made += _tell(stories, u)

    svc.counter_refuse(
        actor=u["motcua.tinh"],
        desk=center,
        intake=intake(prov_justice[4], scan=False),
        reasons="Thủ tục không thuộc thẩm quyền của tỉnh",
        now=clock.back(1, 14),
    )
    made += 1
    # online submissions waiting at the desks
    for i in range(3):
        svc.dossier_submit_online(
            applicant=person(),
            procedure=prov_justice[i],
            desk=center,
            request="Nộp trực tuyến trên Cổng dịch vụ công",
            now=clock.back(0, 7) - dt.timedelta(hours=3 + i),
        )
        made += 1
    return {"created": made}
