"""The demo's province administrator ('Quản trị cấp tỉnh', ``quantri.tinh``) in the
administration: every row the back office scopes to their province (``core.admin_scope``:
counter desks and tickets, result templates, API clients, signing certificates, booking slots,
feedback, payments, population checks, the portal link's rows) is theirs to list — their own
province's rows only — and to change where the administration changes it at all; the citizens'
own files (stored documents, result drafts) and the installation's logs stay out of reach, and
the group itself is read only to them (changed, it would hand them anything).

The administrator is built the way the demo builds ``quantri.tinh``: a staff account with the
province-admin role at the provincial committee, in the group ``_province_admin_group`` makes.
Docs: README, "The demo's province administrator in /admin/"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from motcua.api.clients import api_client_create
from motcua.catalog.services import catalog_import_specs
from motcua.counterqueue.models import Desk, Ticket
from motcua.demo.dossiers_gen import _province_admin_group
from motcua.dossiers.models import Dossier, Outbox
from motcua.dossiers.services import dossier_receive
from motcua.eservices.models import Booking, Slot, SlotTemplate, StoredDocument, WithdrawalRequest
from motcua.esign.models import AgencyCertificate
from motcua.feedback.models import Feedback
from motcua.integrations.models import PortalDelivery, PortalInbound
from motcua.payments.models import PaymentRequest, Receipt
from motcua.popdata.models import Verification
from motcua.units.models import Agency, Role
from tests.admin_scope_tools import changelist, login
from tests.dossiers.conftest import World, member, other_province_admin
from tests.drafting.tools import html_template
from tests.factories import CitizenFactory, UserFactory, procedure_spec

pytestmark = pytest.mark.django_db

AT = dt.datetime(2030, 6, 3, 8, 0, tzinfo=dt.UTC)
DAY = dt.date(2030, 6, 3)


def demo_province_admin(world: World) -> User:
    """``quantri.tinh`` as ``demo.dossiers_gen.load_staff`` makes it."""
    committee = world.center.parent
    assert committee is not None
    user = member(
        UserFactory(username="quantri.tinh", is_staff=True), committee, Role.PROVINCE_ADMIN
    )
    user.groups.add(_province_admin_group())
    return user


@dataclass
class Province:
    """One province's rows of every scoped model, keyed by the model's label."""

    rows: dict[str, Model]
    dossier: Dossier


def _rows(
    *,
    agency: Agency,
    desk: Agency,
    counter: User,
    intake: Any,
    procedure_code: str,
    tag: str,
) -> Province:
    now = timezone.now()
    citizen = CitizenFactory().user
    d = dossier_receive(actor=counter, desk=desk, intake=intake, now=now)
    payment = PaymentRequest.objects.get(dossier=d)  # the procedure's fee, snapshotted
    outbox = Outbox.objects.create(topic="dossier.received", dossier=d, created_at=now)
    slot = Slot.objects.create(desk=desk, date=DAY, start=dt.time(7, 45), capacity=5)
    rows: list[Model] = [
        Desk.objects.create(agency=desk, number=7, name=f"Quầy {tag}"),
        Ticket.objects.create(agency=desk, day=DAY, number=41, taken_at=AT),
        html_template(procedure_code, name=f"Mẫu {tag}"),
        api_client_create(name=f"he-thong-{tag}", agency=agency, role=Role.SPECIALIST).client,
        AgencyCertificate.objects.create(
            agency=agency,
            fingerprint=tag.encode().hex().ljust(64, "0")[:64],
            subject=f"CN={tag}",
            issuer="CA thử",
            serial="01",
            not_before=AT,
            not_after=AT + dt.timedelta(days=365),
            pem="-----BEGIN CERTIFICATE-----",
            created_at=AT,
        ),
        SlotTemplate.objects.create(desk=desk, weekday=0, start=dt.time(7, 45)),
        slot,
        Booking.objects.create(
            code=f"DL-{tag}", slot=slot, account=citizen, procedure=intake.procedure, created_at=now
        ),
        WithdrawalRequest.objects.create(
            dossier=d, account=citizen, reason="Không cần nữa", requested_at=now
        ),
        Feedback.objects.create(
            code=f"PA-{tag}",
            subject=f"Phản ánh {tag}",
            content="Nội dung phản ánh",
            agency=agency,
            sender_name="Trần Thị Bình",
            received_at=AT,
            time_limit_days=10,
            due_at=AT + dt.timedelta(days=14),
        ),
        payment,
        Receipt.objects.create(
            payment=payment,
            agency=payment.agency,
            year=now.year,
            number=1,
            issued_at=now,
            dossier_code=d.code,
            payer_name="Nguyễn Văn An",
            amount_vnd=payment.amount_vnd,
            channel="counter",
        ),
        Verification.objects.create(
            checked_at=AT,
            context="counter",
            inputs_digest="0" * 64,
            outcome="match",
            agency=agency,
            reference=f"REF-{tag}",
        ),
        PortalDelivery.objects.create(outbox=outbox, dossier=d),
        PortalInbound.objects.create(national_id=f"G22-{tag}", dossier=d, body_sha256="0" * 64),
    ]
    return Province({r._meta.label: r for r in rows}, d)


def _this_province(world: World) -> Province:
    return _rows(
        agency=world.justice,
        desk=world.center,
        counter=world.users["counter"],
        intake=world.intake(),
        procedure_code="1.000001",
        tag="H10",
    )


def _another_province(world: World) -> Province:
    """Đồng Nai: its committee (with a desk of its own), a procedure of its own, a dossier
    received there."""
    _, committee = other_province_admin()
    desk = Agency.objects.create(
        code="000.01.01.H39",
        name="Trung tâm Phục vụ HCC tỉnh Đồng Nai",
        kind="trung_tam",
        level=1,
        unit=committee.unit,
        parent=committee,
        receives_dossiers=True,
    )
    counter = member(UserFactory(username="motcua_dongnai"), desk, Role.COUNTER)
    catalog_import_specs(
        actor=None, specs=[procedure_spec("1.900001", agency_code=committee.code)], source="t"
    )
    from motcua.catalog.models import Procedure

    return _rows(
        agency=committee,
        desk=desk,
        counter=counter,
        intake=world.intake(Procedure.objects.get(code="1.900001")),
        procedure_code="1.900001",
        tag="H39",
    )


#: Every model whose administration is scoped to the administrator's province, with what the
#: demo's province administrator may do there beyond reading it.
SCOPED = {
    "counterqueue.Desk": {"add", "change"},  # not deleted: "đang dùng" unticked (audited)
    "counterqueue.Ticket": set(),
    "drafting.ResultTemplate": {"add", "change"},  # no one deletes one: drafts keep it
    "api.ApiClient": {"change"},  # revoked; issued by the command only
    "esign.AgencyCertificate": {"change"},  # revoked; issued by the command only
    "eservices.SlotTemplate": {"add", "change", "delete"},
    "eservices.Slot": {"add", "change", "delete"},  # a booked slot stays (PROTECT)
    "eservices.Booking": set(),
    "eservices.WithdrawalRequest": set(),
    "feedback.Feedback": set(),
    "payments.PaymentRequest": set(),
    "payments.Receipt": set(),
    "popdata.Verification": set(),
    "integrations.PortalDelivery": set(),
    "integrations.PortalInbound": set(),
}

#: Kept from the demo's province administrator even though the installation is theirs alone:
#: the citizens' own files and the text of their results, the installation's logs.
LEFT_OUT = (
    "/admin/eservices/storeddocument/",
    "/admin/drafting/resultdraft/",
    "/admin/integrations/smsmessage/",
    "/admin/payments/gatewaynotification/",
    "/admin/paysandbox/sandboxtransaction/",
    "/admin/otp_totp/totpdevice/",
    "/admin/axes/accessattempt/",
)


def _link(row: Model) -> str:
    return f"{changelist(row)}{row.pk}/change/"


def _not_reached(c: Client, url: str) -> None:
    """Refused, not found, or (Django's answer for a row outside the list) sent back to the
    administration's index."""
    r = c.get(url)
    assert r.status_code in (302, 403, 404), url
    if r.status_code == 302:
        assert r.url == "/admin/", url


def test_the_demo_province_admin_lists_and_opens_their_province_rows_only(world: World) -> None:
    admin = demo_province_admin(world)
    ours = _this_province(world)
    theirs = _another_province(world)
    assert set(ours.rows) == set(SCOPED) == set(theirs.rows)
    c = login(admin)
    index = c.get("/admin/").content.decode()
    for label, row in ours.rows.items():
        url = changelist(row)
        assert url in index, label
        r = c.get(url)
        assert r.status_code == 200, label
        page = r.content.decode()
        assert _link(row) in page, label
        assert _link(theirs.rows[label]) not in page, label
        assert c.get(_link(row)).status_code == 200, label
        _not_reached(c, _link(theirs.rows[label]))


def test_the_demo_province_admin_changes_only_what_the_administration_lets_change(
    world: World,
) -> None:
    admin = demo_province_admin(world)
    ours = _this_province(world)
    c = login(admin)
    for label, row in ours.rows.items():
        allowed = SCOPED[label]
        url = changelist(row)
        assert (c.get(f"{url}add/").status_code == 200) == ("add" in allowed), label
        r = c.get(f"{url}{row.pk}/delete/")
        assert (r.status_code == 200) == ("delete" in allowed), label
        if "change" not in allowed:  # the page shows the row, without a save button
            assert 'name="_save"' not in c.get(_link(row)).content.decode(), label
    # what they do keep: a desk renamed (audited), a slot's capacity, an API client revoked
    desk = ours.rows["counterqueue.Desk"]
    r = c.post(
        _link(desk), {"agency": world.center.pk, "number": 7, "name": "Quầy một", "active": "on"}
    )
    assert r.status_code == 302
    desk.refresh_from_db()
    assert desk.name == "Quầy một"
    slot = ours.rows["eservices.Slot"]
    r = c.post(
        _link(slot),
        {"desk": world.center.pk, "date": "2030-06-03", "start": "07:45", "capacity": 8},
    )
    assert r.status_code == 302
    slot.refresh_from_db()
    assert slot.capacity == 8
    client = ours.rows["api.ApiClient"]
    r = c.post(changelist(client), {"action": "revoke", "_selected_action": [client.pk]})
    assert r.status_code == 302
    client.refresh_from_db()
    assert not client.active


def test_what_is_left_out_stays_403_though_the_installation_is_theirs(world: World) -> None:
    """The demo's one province: its administrator keeps every agency
    (``access.administers_everything``), so only the missing permission keeps these closed."""
    from motcua.dossiers.access import administers_everything

    admin = demo_province_admin(world)
    assert administers_everything(admin)
    stored = StoredDocument.objects.create(
        account=CitizenFactory().user,
        title="CCCD của Trần Thị Bình",
        source="upload",
        file="kho/cccd.pdf",
        name="cccd.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        created_at=timezone.now(),
    )
    c = login(admin)
    index = c.get("/admin/").content.decode()
    for url in LEFT_OUT:
        assert c.get(url).status_code == 403, url
        assert url not in index, url
    assert c.get(f"/admin/eservices/storeddocument/{stored.pk}/change/").status_code == 403
    # the group: read, never changed (a permission added to it would be theirs at once)
    group = Group.objects.get(name="Quản trị cấp tỉnh")
    before = set(group.permissions.values_list("pk", flat=True))
    assert c.get(f"/admin/auth/group/{group.pk}/change/").status_code == 200
    from django.contrib.auth.models import Permission

    every = list(Permission.objects.values_list("pk", flat=True))
    r = c.post(f"/admin/auth/group/{group.pk}/change/", {"name": group.name, "permissions": every})
    assert r.status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before
    assert c.post("/admin/auth/group/add/", {"name": "Toàn quyền"}).status_code == 403
    assert not Group.objects.filter(name="Toàn quyền").exists()


def test_the_group_is_set_again_the_same_when_the_demo_runs_twice(world: World) -> None:
    from django.contrib.auth.models import Permission

    first = _province_admin_group()
    granted = set(first.permissions.values_list("pk", flat=True))
    # a permission held from an earlier build that the group no longer grants goes away
    first.permissions.add(Permission.objects.get(codename="view_storeddocument"))
    again = _province_admin_group()
    assert again.pk == first.pk
    assert Group.objects.filter(name="Quản trị cấp tỉnh").count() == 1
    assert set(again.permissions.values_list("pk", flat=True)) == granted


def test_revoking_needs_the_change_permission(world: World) -> None:
    """The group's "change" on API clients and certificates is what revokes them: whoever only
    reads them is not offered the action, and posting it revokes nothing."""
    from django.contrib.auth.models import Permission

    reader = member(
        UserFactory(username="qt_chi_xem", is_staff=True), world.center, Role.PROVINCE_ADMIN
    )
    reader.user_permissions.set(
        Permission.objects.filter(codename__in=["view_apiclient", "view_agencycertificate"])
    )
    ours = _this_province(world)
    c = login(reader)
    for label in ("api.ApiClient", "esign.AgencyCertificate"):
        row = ours.rows[label]
        page = c.get(changelist(row)).content.decode()
        assert _link(row) in page, label
        assert 'value="revoke"' not in page, label
        c.post(changelist(row), {"action": "revoke", "_selected_action": [row.pk]})
    client = ours.rows["api.ApiClient"]
    client.refresh_from_db()
    assert client.active
    cert = ours.rows["esign.AgencyCertificate"]
    cert.refresh_from_db()
    assert cert.revoked_at is None
