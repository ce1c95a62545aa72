"""The applicant's data as given for each dossier (a snapshot) and the audited register change.

The attack: an officer of one agency's desk receives a dossier for a person who already has a
dossier at another agency, typing another e-mail, phone and address. Nothing they type may change
what the other agency's dossier shows or where its notifications go.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.audit.models import AuditEntry
from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import_specs
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers import forms
from motcua.dossiers.forms import Field
from motcua.dossiers.models import Applicant, ApplicantKind, Dossier, FormType
from motcua.dossiers.services import (
    ApplicantData,
    apology_issue,
    applicant_contact_change,
    counter_refuse,
    dossier_receive,
    dossier_submit_online,
)
from motcua.integrations.models import SmsMessage
from motcua.integrations.services import outbox_deliver
from motcua.units.models import AdministrativeUnit, Agency, Level, Role, UnitKind
from tests.dossiers.conftest import World, at, member
from tests.factories import UserFactory, procedure_spec
from tests.integrations.test_outbox_smtp import Inbox, smtp, subject  # noqa: F401 - fixture

# these tests count the receipt's own messages: the procedures carry no fees here
pytestmark = pytest.mark.usefixtures("no_fees")

ID = "012345678901"
A_DATA = {
    "phone": "0912345678",
    "email": "a@example.vn",
    "address": "Số 5 Trần Hưng Đạo, Đồng Xoài, Bình Phước",
}
B_DATA = {
    "phone": "0987000111",
    "email": "evil@example.vn",
    "address": "Số 99 đường Lạ, nơi khác",
}


def given(**data: str) -> ApplicantData:
    return ApplicantData("Nguyễn Văn An", ID, **data)


def district_procedure() -> Procedure:
    catalog_import_specs(
        actor=None,
        specs=[
            procedure_spec(
                "2.000010",
                name="Cấp giấy chứng nhận đăng ký hộ kinh doanh",
                level=Level.DISTRICT,
                valid_from=dt.date(2020, 1, 1),
                fees=[],
            )
        ],
        source="test",
    )
    return Procedure.objects.get(code="2.000010")


def district_counter(w: World) -> User:
    return member(UserFactory(username="motcua_huyen"), w.district_desk, Role.COUNTER)


def receive_at_a(w: World, when: str = "2022-06-01 09:00") -> Dossier:
    """Agency A: the provincial Service Center desk, for the Department of Justice."""
    return dossier_receive(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(applicant=given(**A_DATA)),
        now=at(when),
    )


def receive_at_b(w: World, when: str = "2022-06-02 09:00") -> Dossier:
    """Agency B: the district desk, same ID number, other contact data typed."""
    return dossier_receive(
        actor=district_counter(w),
        desk=w.district_desk,
        intake=w.intake(district_procedure(), applicant=given(**B_DATA)),
        now=at(when),
    )


def snapshot(d: Dossier) -> dict[str, str]:
    d.refresh_from_db()
    return {
        "name": d.applicant_name,
        "id_number": d.applicant_id_number,
        "kind": d.applicant_kind,
        "phone": d.applicant_phone,
        "email": d.applicant_email,
        "address": d.applicant_address,
    }


def register(person: Applicant) -> dict[str, str]:
    person.refresh_from_db()
    return {
        "name": person.name,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
    }


def fields_of(doc: forms.FormDoc) -> dict[str, str]:
    return {b.label: b.value for b in doc.blocks if isinstance(b, Field)}


def province_admin(w: World) -> User:
    return member(UserFactory(username="quantri_tinh"), w.center, Role.PROVINCE_ADMIN)


# ---- the attack ---------------------------------------------------------------------------------


def test_other_agency_intake_changes_neither_the_dossier_nor_where_its_mail_goes(
    world: World,
    smtp: Inbox,  # noqa: F811 - the fixture imported above
) -> None:
    w = world
    a = receive_at_a(w)
    b = receive_at_b(w)
    assert a.applicant_id == b.applicant_id  # one person in the register
    assert snapshot(a) == {"name": "Nguyễn Văn An", "id_number": ID, "kind": "person", **A_DATA}
    assert snapshot(b) == {"name": "Nguyễn Văn An", "id_number": ID, "kind": "person", **B_DATA}
    # the receipt (Mẫu 01) of A's dossier prints A's data
    printed = fields_of(forms.build(Dossier.objects.get(pk=a.pk), FormType.RECEIPT))
    assert printed["Thư điện tử"] == "a@example.vn"
    assert printed["Số điện thoại"] == "0912345678"
    assert printed["Địa chỉ"] == "Số 5 Trần Hưng Đạo, Đồng Xoài, Bình Phước"
    # A's department apologises; the mail goes to the address given to A, through real SMTP
    apology_issue(
        actor=w.users["leader"],
        dossier=a,
        reason="Chờ xác minh",
        new_appointment=at("2022-06-10 17:00"),
        now=at("2022-06-07 10:00"),
    )
    assert outbox_deliver() == {"sent": 6, "skipped": 0, "failed": 0}  # 3 e-mails, 3 SMS
    # the text messages, too, go to the phone given for each dossier
    assert list(SmsMessage.objects.order_by("id").values_list("to", flat=True)) == [
        "84912345678",
        "84987000111",
        "84912345678",
    ]
    sent = [(subject(m), m["To"]) for m in smtp.messages]
    assert sent == [
        (f"Hồ sơ {a.code} đã được tiếp nhận", "a@example.vn"),
        (f"Hồ sơ {b.code} đã được tiếp nhận", "evil@example.vn"),
        (f"Hồ sơ {a.code} chậm trả kết quả — thư xin lỗi", "a@example.vn"),
    ]


def test_register_row_is_not_changed_by_a_later_intake(world: World) -> None:
    w = world
    a = receive_at_a(w)
    person = Applicant.objects.get(kind=ApplicantKind.PERSON, id_number=ID)
    assert register(person) == {"name": "Nguyễn Văn An", **A_DATA}
    receive_at_b(w)
    dossier_submit_online(
        applicant=ApplicantData("Nguyễn Văn Ân", ID, email="c@example.vn"),
        procedure=w.simple,
        desk=w.center,
        now=at("2022-06-03 20:00"),
    )
    assert register(person) == {"name": "Nguyễn Văn An", **A_DATA}
    assert Applicant.objects.count() == 1
    assert Dossier.objects.filter(applicant=person).count() == 3
    assert snapshot(a)["email"] == "a@example.vn"


def test_online_submission_and_counter_refusal_keep_what_was_typed(
    world: World,
    smtp: Inbox,  # noqa: F811 - the fixture imported above
) -> None:
    w = world
    receive_at_a(w)
    online = dossier_submit_online(
        applicant=given(phone="0900000001", email="online@example.vn", address="Hà Nội"),
        procedure=w.simple,
        desk=w.center,
        now=at("2022-06-03 20:00"),
    )
    assert snapshot(online) == {
        "name": "Nguyễn Văn An",
        "id_number": ID,
        "kind": "person",
        "phone": "0900000001",
        "email": "online@example.vn",
        "address": "Hà Nội",
    }
    refused = counter_refuse(
        actor=district_counter(w),
        desk=w.district_desk,
        intake=w.intake(district_procedure(), applicant=given(**B_DATA)),
        reasons="Không thuộc thẩm quyền",
        now=at("2022-06-04 09:00"),
    )
    assert snapshot(refused)["email"] == "evil@example.vn"
    outbox_deliver()
    refusal = [m["To"] for m in smtp.messages if "bị từ chối tiếp nhận" in subject(m)]
    assert refusal == ["evil@example.vn"]
    received = [m["To"] for m in smtp.messages if "đã được tiếp nhận" in subject(m)]
    assert received == ["a@example.vn"]


def test_bad_email_at_intake_is_a_clear_message_and_changes_nothing(world: World) -> None:
    w = world
    with pytest.raises(ValidationFailed) as err:
        dossier_receive(
            actor=w.users["counter"],
            desk=w.center,
            intake=w.intake(applicant=given(email="không phải thư")),
            now=at("2022-06-01 09:00"),
        )
    assert err.value.code == "bad_applicant"
    assert "Thư điện tử không hợp lệ" in err.value.message
    assert not Dossier.objects.exists() and not Applicant.objects.exists()


# ---- the audited change of a person's registered contact ----------------------------------------


def test_contact_change_is_audited_and_never_rewrites_past_dossiers(
    world: World,
    smtp: Inbox,  # noqa: F811 - the fixture imported above
) -> None:
    w = world
    a = receive_at_a(w)
    outbox_deliver()  # the receipt notice, before the change
    person = Applicant.objects.get(id_number=ID)
    admin = province_admin(w)
    changed = applicant_contact_change(
        actor=admin,
        applicant=person,
        phone="0911222333",
        email="moi@example.vn",
        address="Số 1 Phú Riềng Đỏ, Đồng Xoài",
        reason="Công dân đề nghị cập nhật theo đơn ngày 05/06/2022",
    )
    assert register(changed) == {
        "name": "Nguyễn Văn An",
        "phone": "0911222333",
        "email": "moi@example.vn",
        "address": "Số 1 Phú Riềng Đỏ, Đồng Xoài",
    }
    entry = AuditEntry.objects.get(action="applicant.contact_change")
    assert (entry.actor, entry.object_type, entry.object_id) == (admin, "applicant", str(person.pk))
    assert entry.before == {
        "phone": "0912345678",
        "email": "a@example.vn",
        "address": "Số 5 Trần Hưng Đạo, Đồng Xoài, Bình Phước",
    }
    assert entry.after == {
        "phone": "0911222333",
        "email": "moi@example.vn",
        "address": "Số 1 Phú Riềng Đỏ, Đồng Xoài",
        "reason": "Công dân đề nghị cập nhật theo đơn ngày 05/06/2022",
    }
    assert snapshot(a) == {"name": "Nguyễn Văn An", "id_number": ID, "kind": "person", **A_DATA}
    # the dossier's own page and its later notices keep the data given for it
    staff = Client()
    staff.force_login(w.users["counter"])
    page = staff.get(f"/can-bo/ho-so/{a.code}/").content.decode()
    assert "a@example.vn" in page and "0912345678" in page
    assert "moi@example.vn" not in page and "0911222333" not in page
    apology_issue(
        actor=w.users["leader"],
        dossier=a,
        reason="Chờ xác minh",
        new_appointment=at("2022-06-10 17:00"),
        now=at("2022-06-07 10:00"),
    )
    assert outbox_deliver() == {"sent": 2, "skipped": 0, "failed": 0}  # e-mail and SMS
    assert [m["To"] for m in smtp.messages] == ["a@example.vn", "a@example.vn"]
    assert SmsMessage.objects.latest("id").to == "84912345678"  # not the new register phone
    # a dossier received after the change takes what is given at its own intake
    later = receive_at_b(w, "2022-06-08 09:00")
    assert snapshot(later)["email"] == "evil@example.vn"
    assert register(person)["email"] == "moi@example.vn"


def test_contact_change_of_the_name_is_audited_too(world: World) -> None:
    w = world
    a = receive_at_a(w)
    person = Applicant.objects.get(id_number=ID)
    applicant_contact_change(
        actor=province_admin(w),
        applicant=person,
        name="Nguyễn Văn Ân",
        phone=A_DATA["phone"],
        email=A_DATA["email"],
        address=A_DATA["address"],
        reason="Cải chính hộ tịch",
    )
    entry = AuditEntry.objects.get(action="applicant.contact_change")
    assert entry.before == {"name": "Nguyễn Văn An"}
    assert entry.after == {"name": "Nguyễn Văn Ân", "reason": "Cải chính hộ tịch"}
    assert register(person)["name"] == "Nguyễn Văn Ân"
    assert snapshot(a)["name"] == "Nguyễn Văn An"


@pytest.mark.parametrize("who", ["counter", "leader", "specialist", "district_leader", "outsider"])
def test_contact_change_by_a_non_admin_is_refused(world: World, who: str) -> None:
    w = world
    receive_at_a(w)
    person = Applicant.objects.get(id_number=ID)
    with pytest.raises(PermissionDenied) as err:
        applicant_contact_change(
            actor=w.users[who],
            applicant=person,
            phone="0987000111",
            email="evil@example.vn",
            address="Số 99 đường Lạ",
            reason="Đổi giúp",
        )
    assert err.value.code == "permission_denied"
    assert register(person) == {"name": "Nguyễn Văn An", **A_DATA}
    assert not AuditEntry.objects.filter(action="applicant.contact_change").exists()


def test_contact_change_by_an_agency_admin_is_refused(world: World) -> None:
    w = world
    receive_at_a(w)
    person = Applicant.objects.get(id_number=ID)
    agency_admin = member(UserFactory(username="quantri_so"), w.justice, Role.AGENCY_ADMIN)
    with pytest.raises(PermissionDenied):
        applicant_contact_change(
            actor=agency_admin,
            applicant=person,
            phone="0987000111",
            email="evil@example.vn",
            address="",
            reason="Đổi giúp",
        )
    assert register(person) == {"name": "Nguyễn Văn An", **A_DATA}


def test_contact_change_by_another_province_admin_is_refused(world: World) -> None:
    w = world
    receive_at_a(w)
    person = Applicant.objects.get(id_number=ID)
    other = AdministrativeUnit.objects.create(
        code="75", name="Tỉnh Đồng Nai", kind=UnitKind.PROVINCE, level=Level.PROVINCE
    )
    committee = Agency.objects.create(
        code="000.00.00.H39", name="UBND tỉnh Đồng Nai", kind="ubnd", level=1, unit=other
    )
    outsider_admin = member(UserFactory(username="quantri_dongnai"), committee, Role.PROVINCE_ADMIN)
    with pytest.raises(PermissionDenied):
        applicant_contact_change(
            actor=outsider_admin,
            applicant=person,
            phone="0987000111",
            email="evil@example.vn",
            address="",
            reason="Đổi giúp",
        )
    assert register(person) == {"name": "Nguyễn Văn An", **A_DATA}


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"reason": "  "}, "reason_required"),
        ({"email": "không phải thư"}, "bad_contact"),
        ({"phone": "0" * 21}, "bad_contact"),
        ({"name": " "}, "bad_contact"),
        (dict(A_DATA), "nothing_changed"),
    ],
)
def test_contact_change_bad_input_changes_nothing(
    world: World, over: dict[str, str], code: str
) -> None:
    w = world
    receive_at_a(w)
    person = Applicant.objects.get(id_number=ID)
    values = {
        "phone": "0911222333",
        "email": "moi@example.vn",
        "address": "Số 1",
        "reason": "Đơn đề nghị",
        **over,
    }
    with pytest.raises(ValidationFailed) as err:
        applicant_contact_change(actor=province_admin(w), applicant=person, **values)
    assert err.value.code == code
    assert register(person) == {"name": "Nguyễn Văn An", **A_DATA}
    assert not AuditEntry.objects.filter(action="applicant.contact_change").exists()


def test_unseen_format_characters_are_not_kept_in_the_applicant_or_the_proxy(
    world: World,
) -> None:
    # a right-to-left override (U+202E) typed or pasted into the name showed the rest of it
    # backwards on the receipt, the tracking book and the look-up; a zero-width space made a
    # second "Nguyễn Văn An" that looks the same
    d = dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(
            applicant=ApplicantData(
                "\u202eNguyễn\u200b Văn An",
                ID,
                phone="0912\u200b345678",
                address="Số 5\u2066 Trần Hưng Đạo",
            ),
            proxy_name="Trần\u200f Thị Bình",
            proxy_id_number="070123456780",
        ),
        now=at("2022-06-01 09:00"),
    )
    got = snapshot(d)
    assert (got["name"], got["phone"], got["address"]) == (
        "Nguyễn Văn An",
        "0912345678",
        "Số 5 Trần Hưng Đạo",
    )
    assert d.proxy_name == "Trần Thị Bình"
    assert Applicant.objects.get(id_number=ID).name == "Nguyễn Văn An"
    # nothing but format characters is no name
    with pytest.raises(ValidationFailed):
        dossier_receive(
            actor=world.users["counter"],
            desk=world.center,
            intake=world.intake(applicant=ApplicantData("\u200b\u202e", "012345678902")),
            now=at("2022-06-01 10:00"),
        )
