"""The demo province through the back office: its tracking books, its printed logins and the
pages each demo login reaches. The tests share one demo (scale 0), built once for the module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction

from motcua.demo.services import demo_load
from motcua.dossiers.models import Dossier
from motcua.units.models import Membership, Role
from tests.backoffice.test_screens import login, nav_links
from tests.tools import coverage_paused

# one worker builds the module's demo (./dev test: --dist loadfile)
pytestmark = [pytest.mark.django_db, pytest.mark.slow(seconds=26)]  # the demo build


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo at scale 0, inside a transaction rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        with coverage_paused():  # the setting of these tests; tests/demo/ measures the demo
            loaded = demo_load(scale=0)
        yield loaded
        transaction.set_rollback(True)


# ---- the tracking book --------------------------------------------------------------------


def test_demo_tracking_books_and_codes_follow_receipt_order() -> None:
    books: dict[tuple[int, int], list[Dossier]] = {}
    for d in Dossier.objects.filter(book_number__isnull=False).order_by("book_number"):
        books.setdefault((d.receiving_agency_id, d.book_year or 0), []).append(d)
    assert books
    for key, rows in books.items():
        times = [d.received_at for d in rows]
        assert times == sorted(times), key  # type: ignore[type-var]
        assert [d.book_number for d in rows] == list(range(1, len(rows) + 1)), key
        # and the dossier codes of a day (desk-yymmdd-NNNN) count up in the same order
        codes = [d.code for d in rows]
        assert codes == sorted(codes), key  # type: ignore[type-var]


# ---- the demo's logins --------------------------------------------------------------------


def test_demo_prints_each_login_with_its_role_and_what_it_does(
    capsys: pytest.CaptureFixture[str], settings: Any, tmp_path: Path
) -> None:
    """The command on the loaded demo (idempotent) prints every login anew."""
    settings.VAR_DIR = tmp_path
    call_command("demo", "--scale", "0")
    out = capsys.readouterr().out
    creds = (tmp_path / "demo-credentials.txt").read_text(encoding="utf-8")
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("    ")}
    memberships = list(Membership.objects.select_related("user", "agency"))
    assert memberships
    for m in memberships:
        line = next(v for k, v in lines.items() if k == m.user.username)
        assert Role(m.role).label in line, line
        assert m.user.username in creds
    counter = lines["motcua.tinh"]
    assert "Nguyễn Thị Hoa" in counter and "tiếp nhận" in counter.lower()
    assert "quản trị" in lines["quantri.tinh"].lower()
    assert "1.784 thủ tục" in out


def test_demo_province_admin_reaches_what_the_readme_says() -> None:
    user = User.objects.get(username="quantri.tinh")
    c = login(user)
    page = c.get("/can-bo/").content.decode()
    links = nav_links(page)
    assert "/can-bo/bao-cao/" in links and "/admin/" in links
    for url in links:
        assert c.get(url).status_code == 200, url
    admin = c.get("/admin/").content.decode()
    # DESIGN.md: the province administrator keeps the catalog, calendars, units and users
    for model in (
        "/admin/catalog/procedure/",
        "/admin/worktime/workcalendar/",
        "/admin/units/agency/",
        "/admin/units/membership/",
        "/admin/auth/user/",
        # and what the back office scopes to the province (README, "The demo's province
        # administrator in /admin/")
        "/admin/counterqueue/desk/",
        "/admin/drafting/resulttemplate/",
        "/admin/api/apiclient/",
        "/admin/esign/agencycertificate/",
        "/admin/eservices/slot/",
        "/admin/feedback/feedback/",
        "/admin/payments/paymentrequest/",
    ):
        assert model in admin, model
        assert c.get(model).status_code == 200, model
    # never the citizens' own files
    for model in ("/admin/eservices/storeddocument/", "/admin/drafting/resultdraft/"):
        assert model not in admin, model
        assert c.get(model).status_code == 403, model
    assert c.get("/admin/catalog/procedure/import/").status_code == 200  # README: import
    # the one province of the installation: the default calendar and the procedures every
    # desk applies are theirs to change too
    from motcua.dossiers.access import administers_everything

    assert administers_everything(user)


def test_every_demo_login_opens_every_link_of_its_menu() -> None:
    memberships = list(Membership.objects.select_related("user"))
    assert len(memberships) > 10
    for m in memberships:
        c = login(m.user)
        links = nav_links(c.get("/can-bo/").content.decode())
        assert links, m.user.username
        for url in links:
            assert c.get(url).status_code == 200, (m.user.username, url)
