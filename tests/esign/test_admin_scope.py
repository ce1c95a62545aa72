"""An agency's signing certificate signs its results: another province's administrator may not
list, open or revoke the certificates of this province's agencies in the administration, nor
through the service (a revoked certificate stops this province's results being signed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from motcua.audit.models import AuditEntry
from motcua.core.errors import PermissionDenied
from motcua.esign.models import AgencyCertificate
from motcua.esign.services import agency_certificate_revoke
from motcua.units.models import Agency
from tests.dossiers.conftest import World, other_province_admin, province_admin

pytestmark = pytest.mark.django_db

AT = dt.datetime(2022, 6, 1, 8, 0, tzinfo=dt.UTC)


def _cert(agency: Agency, subject: str) -> AgencyCertificate:
    return AgencyCertificate.objects.create(
        agency=agency,
        fingerprint=subject.encode().hex()[:64].ljust(64, "0"),
        subject=subject,
        issuer="CA thử",
        serial="01",
        not_before=AT,
        not_after=AT + dt.timedelta(days=365),
        pem="-----BEGIN CERTIFICATE-----",
        created_at=AT,
    )


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_another_province_admin_cannot_reach_this_province_certificates(world: World) -> None:
    ours = _cert(world.justice, "CN=So Tu phap")
    outsider, committee = other_province_admin("esign")
    _cert(committee, "CN=UBND Dong Nai")
    c = _login(outsider)
    body = c.get("/admin/esign/agencycertificate/").content.decode()
    assert "CN=UBND Dong Nai" in body and "CN=So Tu phap" not in body
    url = f"/admin/esign/agencycertificate/{ours.pk}/change/"
    assert c.get(url).status_code in (302, 403, 404)
    c.post(
        "/admin/esign/agencycertificate/",
        {"action": "revoke", "_selected_action": [ours.pk]},
    )
    ours.refresh_from_db()
    assert ours.revoked_at is None
    with pytest.raises(PermissionDenied) as exc:
        agency_certificate_revoke(actor=outsider, certificate=ours)
    assert exc.value.code == "permission_denied"
    assert "Bạn chỉ quản trị" in exc.value.message
    ours.refresh_from_db()
    assert ours.revoked_at is None
    assert not AuditEntry.objects.filter(action="esign.certificate_revoke").exists()


def test_own_province_admin_revokes_the_certificates(world: World) -> None:
    ours = _cert(world.justice, "CN=So Tu phap")
    admin = province_admin("qt_tinh_cts", world.center, "esign")
    c = _login(admin)
    assert "CN=So Tu phap" in c.get("/admin/esign/agencycertificate/").content.decode()
    r = c.post(
        "/admin/esign/agencycertificate/",
        {"action": "revoke", "_selected_action": [ours.pk]},
    )
    assert r.status_code == 302
    ours.refresh_from_db()
    assert ours.revoked_at is not None
