"""OIDC login against a real local provider (tests/citizens/oidc_provider.py): the full
authorization-code flow through the Django test client; hostile providers and replays refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from django.test import Client

from motcua.citizens.models import CitizenProfile
from motcua.dossiers.models import Outbox
from motcua.units.models import Membership, Role
from tests.citizens.oidc_provider import Provider
from tests.factories import AgencyFactory, CitizenFactory, UserFactory

PORT = 8121  # helper 2's range (8120-8129)


@pytest.fixture
def provider(settings: Any) -> Iterator[Provider]:
    try:
        p = Provider(PORT).start()
    except OSError:
        p = Provider(0).start()
    for name, value in p.settings().items():
        setattr(settings, name, value)
    yield p
    p.stop()


def start(client: Client, nxt: str = "") -> str:
    """Press the button; follow the provider's authorize redirect; the callback path."""
    r = client.get("/cong-dan/dinh-danh/" + (f"?next={nxt}" if nxt else ""))
    assert r.status_code == 302
    auth = r["Location"]
    assert "code_challenge=" in auth and "nonce=" in auth and "state=" in auth
    back = requests.get(auth, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    u = urlparse(back.headers["Location"])
    assert u.path == "/cong-dan/dinh-danh/callback/"
    return f"{u.path}?{u.query}"


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_button_only_when_configured(settings: Any) -> None:
    settings.OIDC_RP_CLIENT_ID = ""
    assert (
        "tài khoản định danh điện tử" not in Client().get("/cong-dan/dang-nhap/").content.decode()
    )
    r = Client().get("/cong-dan/dinh-danh/")
    assert r.status_code == 302 and r["Location"] == "/cong-dan/dang-nhap/"


@pytest.mark.django_db
def test_first_login_creates_the_account_then_finds_it(provider: Provider) -> None:
    c = Client()
    assert (
        "Đăng nhập bằng tài khoản định danh điện tử"
        in c.get("/cong-dan/dang-nhap/").content.decode()
    )
    r = c.get(start(c))
    assert r.status_code == 302 and r["Location"] == "/cong-dan/"
    assert logged_in(c)
    p = CitizenProfile.objects.get(oidc_subject="vneid-0001")
    assert p.id_number == "079201001234" and p.name == "Nguyễn Thị Lan"
    assert p.user.is_active and not p.user.has_usable_password() and not p.user.is_staff
    assert c.get("/cong-dan/").status_code == 200
    c2 = Client()
    c2.get(start(c2))
    assert logged_in(c2) and CitizenProfile.objects.count() == 1


@pytest.mark.django_db
def test_links_an_existing_password_account_by_id_number(provider: Provider) -> None:
    existing = CitizenFactory(id_number="079201001234", email="ai-do@example.vn")
    other = Client()
    other.force_login(existing.user)  # whoever registered it by password, logged in elsewhere
    c = Client()
    c.get(start(c))
    existing.refresh_from_db()
    existing.user.refresh_from_db()
    assert existing.oidc_subject == "vneid-0001"
    assert int(c.session["_auth_user_id"]) == existing.user.pk
    # the proven person takes the account over: the old password, e-mail and sessions end
    assert not existing.user.has_usable_password() and existing.email == ""
    assert "gắn với định danh điện tử" in c.get("/cong-dan/").content.decode()
    assert other.get("/cong-dan/").status_code == 302  # sent to the login page
    assert (
        Client()
        .post(
            "/cong-dan/dang-nhap/",
            {"identifier": "079201001234", "password": "mat-khau-thu-nghiem-1"},
        )
        .status_code
        == 400
    )
    Client().post("/cong-dan/quen-mat-khau/", {"email": "ai-do@example.vn"})
    assert not Outbox.objects.filter(topic="citizen.password_reset").exists()


@pytest.mark.django_db
def test_a_disabled_account_stays_disabled(provider: Provider) -> None:
    existing = CitizenFactory(id_number="079201001234")
    existing.user.is_active = False
    existing.user.save(update_fields=["is_active"])
    c = Client()
    c.get(start(c))
    assert not logged_in(c)
    existing.refresh_from_db()
    assert existing.oidc_subject == "" and existing.user.has_usable_password()


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["wrong_key", "wrong_aud", "wrong_iss", "expired", "wrong_sub"])
def test_hostile_tokens_refused(provider: Provider, mode: str) -> None:
    provider.mode = mode
    c = Client()
    r = c.get(start(c))
    assert r.status_code == 302 and r["Location"] == "/cong-dan/dang-nhap/"
    assert not logged_in(c) and not CitizenProfile.objects.exists()
    page = c.get("/cong-dan/dang-nhap/").content.decode()
    assert "Không đăng nhập được bằng tài khoản định danh điện tử" in page


@pytest.mark.django_db
def test_replayed_and_forged_state_refused(provider: Provider) -> None:
    c = Client()
    callback = start(c)
    assert c.get(callback).status_code == 302 and logged_in(c)
    # the same callback again (state used once; code used once), in a fresh session too
    c.post("/cong-dan/dang-xuat/")
    r = c.get(callback)
    assert r.status_code == 302 and r["Location"] == "/cong-dan/dang-nhap/" and not logged_in(c)
    attacker = Client()
    r = attacker.get(callback)
    assert r.status_code == 302 and not logged_in(attacker)
    # a state this browser never asked for
    c3 = Client()
    start(c3)
    r = c3.get("/cong-dan/dinh-danh/callback/?code=abc&state=forged")
    assert r.status_code == 302 and not logged_in(c3)


@pytest.mark.django_db
def test_staff_identity_or_bad_claims_never_logged_in(provider: Provider) -> None:
    officer = UserFactory(username="cb_oidc", is_staff=True)
    Membership.objects.create(user=officer, agency=AgencyFactory(), role=Role.COUNTER)
    CitizenProfile.objects.create(
        user=officer, kind="person", id_number="079201001234", name="Cán bộ"
    )
    c = Client()
    c.get(start(c))
    assert not logged_in(c)
    CitizenProfile.objects.all().delete()
    provider.claims["citizen_id"] = "12345"  # not a 12-digit ID number
    c = Client()
    c.get(start(c))
    assert not logged_in(c) and not CitizenProfile.objects.exists()


@pytest.mark.django_db
def test_subject_bound_to_one_id_number(provider: Provider) -> None:
    CitizenFactory(id_number="079201001234", oidc_subject="vneid-khac")
    c = Client()
    c.get(start(c))
    assert not logged_in(c)
    assert "định danh điện tử khác" in c.get("/cong-dan/dang-nhap/").content.decode()


@pytest.mark.django_db
def test_next_after_oidc_stays_on_the_portal(provider: Provider) -> None:
    c = Client()
    r = c.get(start(c, "/can-bo/"))
    assert r["Location"] == "/cong-dan/"
