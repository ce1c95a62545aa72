"""The staff screens as a new officer sees them: names, labels, money, error pages, the menu by
role, the favicon, the admin in Vietnamese, the tracking book's order and the demo's logins."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.test import Client

from motcua.core.text import number, person_name, shorten, vnd
from motcua.dossiers.models import Dossier, EventType, Status
from motcua.dossiers.services import dossier_receive
from motcua.units.models import Agency, Role
from tests.dossiers.conftest import World, at, member
from tests.factories import UserFactory

NAV = re.compile(r"<nav>(.*?)</nav>", re.S)
HREF = re.compile(r'href="([^"]+)"')


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def named(user: User, family_and_middle: str, given: str) -> User:
    user.last_name, user.first_name = family_and_middle, given
    user.save(update_fields=["last_name", "first_name"])
    return user


def receive(w: World, when: str = "2022-06-01 09:00") -> Dossier:
    return dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at(when))


def section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def nav_links(html: str) -> list[str]:
    m = NAV.search(html)
    return HREF.findall(m.group(1)) if m else []


# ---- names --------------------------------------------------------------------------------


def test_person_name_puts_the_family_name_first(db: None) -> None:
    user = UserFactory(username="hoa", first_name="Hoa", last_name="Nguyễn Thị")
    assert person_name(user) == "Nguyễn Thị Hoa"
    assert person_name(UserFactory(username="chi_ten", first_name="", last_name="")) == "chi_ten"
    assert person_name(None) == ""


def test_header_and_timeline_show_family_name_first(world: World) -> None:
    named(world.users["counter"], "Nguyễn Thị", "Hoa")
    d = receive(world)
    assert d.events.get(type=EventType.RECEIVED).actor_label == "Nguyễn Thị Hoa"
    page = login(world.users["counter"]).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    header = section(page, '<header class="top">', "</header>")
    assert "Nguyễn Thị Hoa" in header
    assert "Hoa Nguyễn Thị" not in page


def test_admin_user_list_shows_family_name_first(world: World) -> None:
    named(world.users["counter"], "Nguyễn Thị", "Hoa")
    c = login(UserFactory(username="sieu", superuser=True))
    page = c.get("/admin/auth/user/").content.decode()
    assert "Nguyễn Thị Hoa" in page
    form = c.get(f"/admin/auth/user/{world.users['counter'].pk}/change/").content.decode()
    assert form.index('name="last_name"') < form.index('name="first_name"')


def test_step_handler_and_assignment_list_show_family_name_first(world: World) -> None:
    named(world.users["specialist"], "Trần Văn", "Minh")
    named(world.users["specialist2"], "Phạm Thu", "Trang")
    d = receive(world)
    c = login(world.users["leader"])
    step = d.steps.get(status="active")
    r = c.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/assign/",
        {"step": step.pk, "handler": world.users["specialist"].pk, "version": d.version},
    )
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "Đã phân công Trần Văn Minh." in page
    steps = section(page, 'id="steps"', "</table>")
    assert "Trần Văn Minh" in steps and "Minh Trần Văn" not in steps
    assert "Phạm Thu Trang" in page and "Trang Phạm Thu" not in page


# ---- labels, not codes; no empty cells ----------------------------------------------------


def test_timeline_shows_status_labels_not_raw_codes(world: World) -> None:
    d = receive(world)
    page = login(world.users["counter"]).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    timeline = text_of(section(page, '<ul class="timeline">', "</ul>"))
    assert "Đang giải quyết" in timeline
    for code in [*Status.values, *EventType.values]:
        assert not re.search(rf"\b{code}\b", timeline), code


def test_step_table_has_no_half_empty_budget_cells(world: World) -> None:
    d = receive(world)
    page = login(world.users["counter"]).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    steps = section(page, 'id="steps"', "</table>")
    cells = [text_of(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", steps, re.S)]
    assert not [c for c in cells if c.endswith("/") or c.startswith("/")], cells
    # a pending step of 0.5 days reads "0,5", not "0,50"
    assert "0,50" not in steps
    assert "0,5" in steps


# ---- money and numbers --------------------------------------------------------------------


def test_money_and_numbers_in_vietnamese_notation() -> None:
    assert vnd(100_000) == "100.000 đồng"
    assert vnd(0) == "0 đồng"
    assert vnd(1_234_567) == "1.234.567 đồng"
    assert number(340_000) == "340.000"
    assert number(1234.5, 2) == "1.234,50"
    assert number(-1500) == "-1.500"
    assert number(None) == ""


def test_intake_shows_fees_in_dong(world: World) -> None:
    page = (
        login(world.users["counter"])
        .get("/can-bo/tiep-nhan/", {"desk": world.center.pk, "procedure": world.simple.pk})
        .content.decode()
    )
    assert "Phí thẩm định: 1.000.000 đồng" in page


def test_lists_shorten_long_names_at_a_word_boundary() -> None:
    name = "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền"
    short = shorten(name, 40)
    assert short == "Cấp giấy chứng nhận quyền sử dụng đất,…"
    assert len(short) <= 40
    assert shorten("Ngắn gọn", 40) == "Ngắn gọn"


def test_queue_does_not_cut_procedure_names_mid_word(world: World) -> None:
    long_name = (
        "Thành lập Văn phòng công chứng trên địa bàn tỉnh trong trường hợp chuyển đổi "
        "Văn phòng công chứng do một công chứng viên thành lập"
    )
    world.simple.name = long_name
    world.simple.save(update_fields=["name"])
    receive(world)
    page = login(world.users["specialist"]).get("/can-bo/").content.decode()
    row = section(page, 'id="queue"', "</table>")
    shown = re.search(r">(Thành lập[^<]*)<", row)
    assert shown is not None
    text = unescape(shown.group(1))
    assert text.endswith("…")
    assert long_name.startswith(text[:-1]) and long_name[len(text) - 1] == " "


# ---- error pages --------------------------------------------------------------------------


def test_404_page_is_vietnamese_inside_the_layout(world: World) -> None:
    c = login(world.users["counter"])
    for url in ("/can-bo/ho-so/KHONG-CO-HO-SO/", "/trang-khong-co/"):
        r = c.get(url)
        assert r.status_code == 404, url
        page = r.content.decode()
        assert '<header class="top">' in page  # the site's layout, its menu
        assert "Không tìm thấy trang" in page
        assert 'href="/can-bo/"' in page  # a way back
        assert "tried" not in page and "Page not found" not in page


def test_404_shows_the_reason_from_our_code(world: World) -> None:
    r = login(world.users["counter"]).get("/can-bo/ho-so/KHONG-CO-HO-SO/")
    assert "Không tìm thấy hồ sơ" in r.content.decode()


def test_403_page_is_vietnamese_inside_the_layout(world: World) -> None:
    r = login(world.users["commune_counter"]).get("/can-bo/bao-cao/")
    assert r.status_code == 403
    page = r.content.decode()
    assert '<header class="top">' in page
    assert "Không có quyền truy cập" in page
    assert "Trang báo cáo dành cho lãnh đạo và quản trị" in page
    assert 'href="/can-bo/"' in page
    assert "Forbidden" not in page


# ---- the menu by role ---------------------------------------------------------------------


def _province_admin(world: World) -> User:
    committee = Agency.objects.get(code="000.00.00.H10")
    return member(UserFactory(username="quantri_tinh"), committee, Role.PROVINCE_ADMIN)


def test_every_menu_link_opens_for_every_role(world: World) -> None:
    receive(world)
    people = {**world.users, "province_admin": _province_admin(world)}
    for key, user in people.items():
        c = login(user)
        links = nav_links(c.get("/can-bo/").content.decode())
        assert links, key
        for url in links:
            assert c.get(url).status_code == 200, (key, url)


def test_menu_shows_what_each_role_does(world: World) -> None:
    def menu(user: User) -> str:
        return text_of(NAV.search(login(user).get("/can-bo/").content.decode()).group(1))  # type: ignore[union-attr]

    counter = menu(world.users["counter"])
    assert "Tiếp nhận hồ sơ" in counter and "Sổ theo dõi" in counter
    assert "Hồ sơ trực tuyến" in counter and "Báo cáo" not in counter
    specialist = menu(world.users["specialist"])
    assert "Hàng chờ xử lý" in specialist and "Tra cứu" in specialist
    for other in ("Tiếp nhận hồ sơ", "Sổ theo dõi", "Hồ sơ trực tuyến", "Báo cáo", "Quản trị"):
        assert other not in specialist, other
    assert "Báo cáo" in menu(world.users["leader"])
    admin = menu(_province_admin(world))
    assert "Báo cáo" in admin and "Tiếp nhận hồ sơ" not in admin


# ---- favicon, admin in Vietnamese ---------------------------------------------------------


def test_favicon_is_served_from_static_and_linked(world: World) -> None:
    assert finders.find("backoffice/favicon.svg")
    page = login(world.users["counter"]).get("/can-bo/").content.decode()
    assert re.search(r'<link rel="icon"[^>]+href="/static/backoffice/favicon.svg"', page)
    admin = login(UserFactory(username="sieu", superuser=True)).get("/admin/").content.decode()
    assert 'href="/static/backoffice/favicon.svg"' in admin
    assert Client().get("/favicon.ico").status_code in (301, 302)


def _english(text: Any) -> bool:
    return all(ord(ch) < 128 for ch in str(text))


def test_every_model_and_field_has_a_vietnamese_name() -> None:
    from django.apps import apps

    english = []
    for model in apps.get_models():
        if not model.__module__.startswith("motcua."):
            continue
        opts = model._meta
        if _english(opts.verbose_name) or _english(opts.verbose_name_plural):
            english.append(opts.label)
        for f in opts.get_fields():
            name = getattr(f, "verbose_name", None)
            if f.concrete and name is not None and f.name != "id" and _english(name):
                english.append(f"{opts.label}.{f.name}: {name}")
    assert english == []


# strings Django 5.2 ships without a Vietnamese translation (the project's locale adds them)
ADMIN_ENGLISH = (
    ">Add<",
    ">Change<",
    "Welcome,",
    "Log out",
    "Authentication and Authorization",
    "Recent actions",
    "Click",
    "Can add",
    "Skip to main content",
    "Toggle theme",
    "Breadcrumbs",
    "Toggle navigation",
    "Filter navigation items",
    "Sidebar",
    "Hide counts",
    "Show counts",
    "Select all objects on this page",
    "Select this object",
    "Set password",
    "Password-based authentication",
    "Model name",
    "Add link",
)


def test_admin_pages_are_in_vietnamese(world: World) -> None:
    c = login(UserFactory(username="sieu", superuser=True))
    # an officer's browser set to English still gets the administration in Vietnamese
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    urls = [
        "/admin/",
        "/admin/auth/user/",
        f"/admin/auth/user/{world.users['counter'].pk}/change/",
        "/admin/auth/user/add/",
        "/admin/catalog/procedure/",
        "/admin/units/agency/",
        "/admin/units/membership/add/",
        "/admin/auth/group/add/",
    ]
    for url in urls:
        r = c.get(url)
        assert r.status_code == 200, url
        page = r.content.decode()
        assert '<html lang="vi"' in page, url
        for phrase in ADMIN_ENGLISH:
            assert phrase not in page, (url, phrase)
    js = c.get("/admin/jsi18n/").content.decode()
    assert "Th\\u1ee9 Hai" in js or "Thứ Hai" in js  # "Monday"


def test_a_refused_admin_import_gets_the_403_page(world: World) -> None:
    clerk = UserFactory(username="nhan_vien", is_staff=True)
    r = login(clerk).get("/admin/catalog/procedure/import/")
    assert r.status_code == 403
    assert "Không có quyền truy cập" in r.content.decode()


def test_project_catalog_is_compiled_and_read_first() -> None:
    """Every entry of the project's .po is what Django returns: the .mo is in sync."""
    from django.conf import settings
    from django.utils import translation

    po = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po"
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po.read_text(encoding="utf-8"), re.M)
    assert len(pairs) > 40
    with translation.override("vi"):
        for msgid, msgstr in pairs:
            wanted = msgstr.replace('\\"', '"')
            assert translation.gettext(msgid.replace('\\"', '"')) == wanted, msgid


def test_the_admins_delete_messages_read_right_in_vietnamese() -> None:
    """Django's own Vietnamese for the admin's delete pages misspells "quyền" (as "quyển"), puts
    spaces inside the quotes and none after a question mark: the project's catalog corrects
    them."""
    from django.utils import translation

    no_right = (
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related"
        " objects, but your account doesn't have permission to delete the following types of"
        " objects:"
    )
    protected = (
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following"
        " protected related objects:"
    )
    sure = (
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the'
        " following related items will be deleted:"
    )
    with translation.override("vi"):
        said = {k: translation.gettext(k) for k in (no_right, protected, sure)}
    assert "không có quyền xóa" in said[no_right] and "quyển" not in said[no_right]
    assert said[no_right].endswith(":")
    assert "'%(escaped_object)s'" in said[protected] and "  " not in said[protected]
    assert '"? Tất cả' in said[sure]


def test_permissions_are_named_in_vietnamese(db: None) -> None:
    from django.contrib.auth.models import Permission

    assert not Permission.objects.filter(name__startswith="Can ").exists()
    assert Permission.objects.get(codename="add_user").name == "Được thêm người dùng"
    assert Permission.objects.get(codename="view_procedure").name == "Được xem thủ tục hành chính"


def test_refused_form_and_server_error_pages_are_vietnamese(world: World) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.users["counter"])
    r = c.post("/can-bo/tiep-nhan/", {"desk": world.center.pk})
    assert r.status_code == 403
    page = r.content.decode()
    assert "Không gửi được biểu mẫu" in page and '<header class="top">' in page
    assert "CSRF verification" not in page and "Forbidden" not in page
    from django.template.loader import get_template

    assert "Hệ thống gặp lỗi" in get_template("500.html").render()


def test_a_refused_admin_form_and_the_login_lockout_pages_are_in_vietnamese(world: World) -> None:
    c = login(UserFactory(username="sieu_loi", superuser=True))
    # Django's admin asks "Please correct the error(s) below." as one plural entry, which its
    # Vietnamese catalog lacks: every refused form said it in English
    r = c.post("/admin/auth/user/add/", {"username": "a b", "usable_password": "false"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "Please correct" not in page
    assert "Hãy sửa các lỗi dưới đây." in page
    # django-axes ships no Vietnamese: its pages named their rows and columns in English
    for url, english in (
        ("/admin/axes/accessattempt/", ("access attempt", "Attempt Time", "Locked Out")),
        ("/admin/axes/accesslog/", ("access log", "Attempt Time", "Logout Time", "User Agent")),
        ("/admin/axes/accessfailurelog/", ("access failure", "IP Address")),
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        text = r.content.decode()
        for phrase in english:
            assert phrase not in text, (url, phrase)
