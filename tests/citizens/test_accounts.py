"""Registration, e-mail verification, login, reset and profile through the real pages.
Hostile cases first: forged and expired links, enumeration, staff through the citizen door."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client
from django.utils import timezone

from motcua.citizens.models import CitizenProfile
from motcua.dossiers.models import Outbox
from motcua.units.models import Membership, Role
from tests.factories import AgencyFactory, CitizenFactory, UserFactory

PASSWORD = "Mua-thu-Ha-Noi-2026"


def register(client: Client, **over: str) -> Any:
    data = {
        "kind": "person",
        "id_number": "079201001234",
        "name": "Nguyễn Thị Lan",
        "email": "lan@example.vn",
        "phone": "0912 345 678",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(over)
    return client.post("/cong-dan/dang-ky/", data)


def last_link(topic: str = "citizen.verify_email") -> str:
    row = Outbox.objects.filter(topic=topic).order_by("-id").first()
    assert row is not None and row.dossier is None
    return str(row.payload["link"])


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def login(client: Client, identifier: str, password: str = PASSWORD) -> Any:
    return client.post("/cong-dan/dang-nhap/", {"identifier": identifier, "password": password})


@pytest.mark.django_db
def test_register_verify_login_end_to_end() -> None:
    c = Client()
    r = register(c)
    assert r.status_code == 200 and "Kiểm tra hộp thư" in r.content.decode()
    p = CitizenProfile.objects.get(id_number="079201001234")
    assert not p.user.is_active and p.email_verified_at is None and not p.user.is_staff
    row = Outbox.objects.get(topic="citizen.verify_email")
    assert row.payload["to_email"] == "lan@example.vn" and row.payload["name"] == "Nguyễn Thị Lan"
    assert row.payload["link"].startswith(f"{settings.MOTCUA_PUBLIC_URL}/cong-dan/xac-thuc/")
    # not active yet: a clear message, no session
    r = login(c, "079201001234")
    assert r.status_code == 400 and "chưa được kích hoạt" in r.content.decode()
    assert "_auth_user_id" not in c.session
    # a GET of the link changes nothing (mail scanners open links); the button POSTs
    link = path_of(last_link())
    assert c.get(link).status_code == 200
    p.refresh_from_db()
    assert p.email_verified_at is None
    r = c.post(link)
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.email_verified_at is not None and p.user.is_active
    # by ID number, and by e-mail in another case
    r = login(c, "079201001234")
    assert r.status_code == 302 and r["Location"] == "/cong-dan/"
    assert c.get("/cong-dan/").status_code == 200
    c2 = Client()
    assert login(c2, "LAN@example.VN").status_code == 302
    # opened twice: nothing breaks, nothing changes
    assert c.post(link).status_code == 302


@pytest.mark.django_db
def test_names_and_contact_are_stored_without_unseen_characters() -> None:
    """A zero-width space, and a right-to-left override in a name, a phone number
    or an address (pasted from a chat app) are not stored: the name shows as typed everywhere."""
    r = register(Client(), name="Nguyễn\u200b Thị\u202e Lan", phone="0912\u200b345 678")
    assert r.status_code == 200
    p = CitizenProfile.objects.get(id_number="079201001234")
    assert p.user.first_name == "Nguyễn Thị Lan" and p.phone == "0912345 678"
    citizen = CitizenFactory(email="cu@example.vn")
    c = Client()
    c.force_login(citizen.user)
    r = c.post("/cong-dan/", {"email": "", "phone": "", "address": "Đồng\u2066 Xoài\u2069\u200b"})
    assert r.status_code == 302 and r["Location"] == "/cong-dan/"
    citizen.refresh_from_db()
    assert citizen.address == "Đồng Xoài"


@pytest.mark.django_db
def test_organisation_by_tax_code() -> None:
    c = Client()
    r = register(
        c,
        kind="organisation",
        id_number="3800100123-001",
        name="Công ty TNHH Sao Mai",
        email="saomai@example.vn",
    )
    assert r.status_code == 200
    c.post(path_of(last_link()))
    assert login(c, "3800100123-001").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"id_number": "07920100123"}, "12 chữ số"),
        ({"id_number": "07920100123４"}, "12 chữ số"),  # a full-width digit
        ({"kind": "organisation", "id_number": "12345"}, "Mã số thuế"),
        ({"kind": "admin"}, "lựa chọn không hợp lệ"),
        ({"password1": "12345678901", "password2": "12345678901"}, "chỉ"),
        ({"password1": "ngan", "password2": "ngan"}, "10"),
        ({"password2": "khac-han-mat-khau"}, "không khớp"),
        ({"name": "Lan\x07Lan"}, "ký tự điều khiển"),
        ({"name": "Lan\x00Lan"}, "null"),
        ({"email": ""}, "thư điện tử"),
        ({"name": "x" * 300}, "255"),
        ({"phone": "không có"}, "điện thoại"),
    ],
)
def test_register_refuses_bad_input(over: dict[str, str], message: str) -> None:
    r = register(Client(), **over)
    assert r.status_code == 400
    assert message.lower() in r.content.decode().lower()
    assert not CitizenProfile.objects.exists() and not Outbox.objects.exists()


@pytest.mark.django_db
def test_duplicate_identity_and_email_refused_clearly() -> None:
    CitizenFactory(id_number="079201001234", email="other@example.vn")
    r = register(Client())
    assert r.status_code == 400 and "đã có tài khoản" in r.content.decode()
    r = register(Client(), id_number="079201009999", email="OTHER@example.vn")
    assert r.status_code == 400 and "đã dùng cho một tài khoản khác" in r.content.decode()
    assert CitizenProfile.objects.count() == 1 and not Outbox.objects.exists()


@pytest.mark.django_db
def test_forged_expired_and_stale_links_refused() -> None:
    c = Client()
    register(c)
    p = CitizenProfile.objects.get()
    link = path_of(last_link())
    token = link.rstrip("/").rsplit("/", 1)[1]
    # forged: the same data signed with another key, or a changed payload
    forged = signing.dumps({"p": p.pk, "e": p.email}, salt="x", key="not-our-key")
    for bad in (forged, token[:-2] + "AA", "abc", "x" * 900):
        r = c.post(f"/cong-dan/xac-thuc/{bad}/")
        assert r.status_code == 400 and "không hợp lệ" in r.content.decode()
    # expired
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=49)):
        r = c.post(link)
    assert r.status_code == 400 and "hết hạn" in r.content.decode()
    p.refresh_from_db()
    assert p.email_verified_at is None and not p.user.is_active


@pytest.mark.django_db
def test_login_gives_the_same_answer_whoever_asks() -> None:
    CitizenFactory(id_number="079201001234", email="lan@example.vn", user__password=PASSWORD)
    answers = set()
    for identifier, password in (
        ("079201001234", "sai-mat-khau-roi"),  # account exists, wrong password
        ("079299999999", "sai-mat-khau-roi"),  # no such account
        ("ai@example.vn", PASSWORD),
    ):
        r = login(Client(), identifier, password)
        assert r.status_code == 400
        text = r.content.decode()
        answers.add(re.search(r'<li class="error">(.*?)</li>', text).group(1))  # type: ignore[union-attr]
    assert len(answers) == 1


@pytest.mark.django_db
def test_reset_and_resend_give_the_same_answer_and_mail_only_real_accounts() -> None:
    CitizenFactory(email="lan@example.vn")
    pages = []
    for email in ("lan@example.vn", "khong-co@example.vn"):
        c = Client()
        r = c.post("/cong-dan/quen-mat-khau/", {"email": email}, follow=True)
        pages.append(re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+", "", r.content.decode()))
    assert pages[0] == pages[1]
    assert list(Outbox.objects.values_list("payload__to_email", flat=True)) == ["lan@example.vn"]
    # resend for a verified account: silence, the same page
    r = Client().post("/cong-dan/gui-lai-xac-thuc/", {"email": "lan@example.vn"}, follow=True)
    assert "Nếu địa chỉ này thuộc" in r.content.decode()
    assert Outbox.objects.filter(topic="citizen.verify_email").count() == 0


@pytest.mark.django_db
def test_password_reset_by_mail_once() -> None:
    CitizenFactory(id_number="079201001234", email="lan@example.vn")
    Client().post("/cong-dan/quen-mat-khau/", {"email": "lan@example.vn"})
    link = path_of(last_link("citizen.password_reset"))
    c = Client()
    assert c.get(link).status_code == 200
    new = "Mat-khau-moi-rat-dai-9"
    r = c.post(link, {"password1": new, "password2": new})
    assert r.status_code == 302
    assert login(Client(), "079201001234", new).status_code == 302
    # the link worked once
    r = Client().post(link, {"password1": "Lai-doi-nua-1234", "password2": "Lai-doi-nua-1234"})
    assert r.status_code == 400 and "không hợp lệ" in r.content.decode()
    assert Client().get("/cong-dan/dat-lai-mat-khau/MQ/forged-token/").status_code == 400
    assert Client().get("/cong-dan/dat-lai-mat-khau/%00%ff/x/").status_code in (400, 404)


@pytest.mark.django_db
def test_staff_never_log_in_as_citizens_nor_citizens_as_staff() -> None:
    officer = UserFactory(username="canbo", email="canbo@example.vn", is_staff=True)
    Membership.objects.create(user=officer, agency=AgencyFactory(), role=Role.COUNTER)
    # even a staff user somehow given a citizen profile
    CitizenProfile.objects.create(
        user=officer,
        kind="person",
        id_number="079201000001",
        name="Cán bộ",
        email="cb@x.vn",
        email_verified_at=timezone.now(),
    )
    r = login(Client(), "079201000001", "mat-khau-thu-nghiem-1")
    assert r.status_code == 400
    # a citizen at the staff login and the admin login
    CitizenFactory(user__username="dan1", id_number="079201001234")
    c = Client()
    r = c.post("/dang-nhap/", {"username": "dan1", "password": "mat-khau-thu-nghiem-1"})
    assert r.status_code == 200 and "_auth_user_id" not in c.session
    r = c.post("/admin/login/", {"username": "dan1", "password": "mat-khau-thu-nghiem-1"})
    assert "_auth_user_id" not in c.session


@pytest.mark.django_db
def test_citizen_session_never_opens_staff_pages() -> None:
    citizen = CitizenFactory()
    c = Client()
    c.force_login(citizen.user)
    for url in ("/can-bo/", "/can-bo/tra-cuu/", "/admin/", "/admin/auth/user/"):
        r = c.get(url)
        assert r.status_code == 403, url
    assert c.get("/cong-dan/").status_code == 200
    # and a staff session gets no citizen profile page
    staff = Client()
    staff.force_login(UserFactory(username="cb2", is_staff=True))
    assert staff.get("/cong-dan/").status_code == 403


@pytest.mark.django_db
def test_a_refused_portal_page_is_a_page_not_a_traceback_in_the_log(caplog: Any) -> None:
    """Found by a probe: a staff member opening a portal page got the right 403, and the log a
    full traceback for each such request; now the page, and Django's one line."""
    staff = Client()
    staff.force_login(UserFactory(username="cb3", is_staff=True))
    with caplog.at_level("WARNING", logger="django.request"):
        r = staff.get("/cong-dan/")
    assert r.status_code == 403
    assert "tài khoản công dân" in r.content.decode()
    assert caplog.records and not [x for x in caplog.records if x.exc_info]


@pytest.mark.django_db
def test_profile_edit_and_email_change_reverifies() -> None:
    citizen = CitizenFactory(email="cu@example.vn", phone="0911111111")
    c = Client()
    c.force_login(citizen.user)
    r = c.post(
        "/cong-dan/",
        {"email": "moi@example.vn", "phone": "0922 222 222", "address": "Đồng Xoài"},
    )
    assert r.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == "0922 222 222" and citizen.address == "Đồng Xoài"
    assert citizen.email == "cu@example.vn" and citizen.pending_email == "moi@example.vn"
    row = Outbox.objects.get(topic="citizen.verify_email")
    assert row.payload["to_email"] == "moi@example.vn"
    c.post(path_of(row.payload["link"]))
    citizen.refresh_from_db()
    assert citizen.email == "moi@example.vn" and citizen.pending_email == ""
    assert login(Client(), "moi@example.vn", "mat-khau-thu-nghiem-1").status_code == 302
    # hostile input: nothing changes
    for data in (
        {"email": "khong-hop-le", "phone": "", "address": ""},
        {"email": "moi@example.vn", "phone": "abc", "address": ""},
        {"email": "moi@example.vn", "phone": "", "address": "x" * 600},
        {"email": "moi@example.vn", "phone": "", "address": "a\x07b"},
    ):
        assert c.post("/cong-dan/", data).status_code == 400
    citizen.refresh_from_db()
    assert citizen.phone == "0922 222 222" and citizen.address == "Đồng Xoài"


@pytest.mark.django_db
def test_email_change_to_someone_elses_address_refused() -> None:
    CitizenFactory(email="da-co@example.vn")
    me = CitizenFactory(email="toi@example.vn")
    c = Client()
    c.force_login(me.user)
    r = c.post("/cong-dan/", {"email": "Da-Co@example.vn", "phone": "", "address": ""})
    assert r.status_code == 400 and "tài khoản khác" in r.content.decode()
    me.refresh_from_db()
    assert me.pending_email == "" and not Outbox.objects.exists()


@pytest.mark.django_db
def test_login_next_never_leads_off_site_or_to_staff_pages() -> None:
    CitizenFactory(id_number="079201001234", user__password=PASSWORD)
    for nxt in ("https://evil.example/", "//evil.example/x", "/can-bo/", "/admin/"):
        r = Client().post(
            "/cong-dan/dang-nhap/",
            {"identifier": "079201001234", "password": PASSWORD, "next": nxt},
        )
        assert r.status_code == 302 and r["Location"] == "/cong-dan/", nxt


@pytest.mark.django_db
def test_logout_is_post_only_and_csrf_checked() -> None:
    citizen = CitizenFactory()
    c = Client(enforce_csrf_checks=True)
    c.force_login(citizen.user)
    assert c.get("/cong-dan/dang-xuat/").status_code == 405
    assert c.post("/cong-dan/dang-xuat/").status_code == 403  # no CSRF token
    assert "_auth_user_id" in c.session


@pytest.mark.django_db
def test_login_refuses_huge_control_and_csrf_less_input() -> None:
    CitizenFactory(id_number="079201001234", user__password=PASSWORD)
    for identifier in ("0" * 10_000, "0792010\x001234", ["079201001234", "x"]):
        r = Client().post("/cong-dan/dang-nhap/", {"identifier": identifier, "password": PASSWORD})
        assert r.status_code == 400
    c = Client(enforce_csrf_checks=True)
    r = c.post("/cong-dan/dang-nhap/", {"identifier": "079201001234", "password": PASSWORD})
    assert r.status_code == 403 and "_auth_user_id" not in c.session
    r = Client(enforce_csrf_checks=True).post("/cong-dan/dang-ky/", {"kind": "person"})
    assert r.status_code == 403 and not Outbox.objects.exists()


@pytest.mark.django_db
def test_resend_after_expiry_gives_a_new_link_but_not_a_mail_cannon() -> None:
    c = Client()
    register(c)
    old = path_of(last_link())
    for _ in range(5):  # within two minutes: no new mail
        c.post("/cong-dan/gui-lai-xac-thuc/", {"email": "lan@example.vn"})
    assert Outbox.objects.filter(topic="citizen.verify_email").count() == 1
    later = timezone.now() + timezone.timedelta(hours=49)
    with time_machine.travel(later):
        assert c.post(old).status_code == 400
        c.post("/cong-dan/gui-lai-xac-thuc/", {"email": "LAN@example.vn"})
        assert Outbox.objects.filter(topic="citizen.verify_email").count() == 2
        assert c.post(path_of(last_link())).status_code == 302
    assert CitizenProfile.objects.get().user.is_active


@pytest.mark.django_db
def test_an_old_link_never_reactivates_a_disabled_account() -> None:
    c = Client()
    register(c)
    link = path_of(last_link())
    c.post(link)
    p = CitizenProfile.objects.get()
    p.user.is_active = False  # an administrator disabled it
    p.user.save(update_fields=["is_active"])
    c.post(link)
    p.user.refresh_from_db()
    assert not p.user.is_active
    assert login(Client(), "079201001234").status_code == 400
