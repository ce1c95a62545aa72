"""An API client's token acts with its agency's role on that agency's dossiers: another province's
administrator may not list, open or revoke the clients of this province's agencies in the
administration, nor issue (through the service) a token for one of them — it would read and
move this province's dossiers."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.api.clients import api_client_create, api_client_revoke
from motcua.api.models import ApiClient
from motcua.core.errors import PermissionDenied
from motcua.units.models import Role
from tests.dossiers.conftest import World, other_province_admin, province_admin

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _refused(attempt: Any) -> None:
    with pytest.raises(PermissionDenied) as exc:
        attempt()
    assert exc.value.code == "permission_denied"
    assert "Bạn chỉ quản trị" in exc.value.message


def test_another_province_admin_cannot_reach_this_province_clients(world: World) -> None:
    ours = api_client_create(name="he-thong-tu-phap", agency=world.justice, role=Role.SPECIALIST)
    outsider, committee = other_province_admin("api")
    api_client_create(name="he-thong-dong-nai", agency=committee, role=Role.SPECIALIST)
    c = _login(outsider)
    body = c.get("/admin/api/apiclient/").content.decode()
    assert "he-thong-dong-nai" in body and "he-thong-tu-phap" not in body
    assert c.get(f"/admin/api/apiclient/{ours.client.pk}/change/").status_code in (302, 403, 404)
    c.post(
        "/admin/api/apiclient/",
        {"action": "revoke", "_selected_action": [ours.client.pk]},
    )
    ours.client.refresh_from_db()
    assert ours.client.active
    # the services: neither revoked nor issued for this province's agency
    _refused(lambda: api_client_revoke(actor=outsider, client=ours.client))
    ours.client.refresh_from_db()
    assert ours.client.active
    users = User.objects.count()
    _refused(
        lambda: api_client_create(
            actor=outsider, name="cua-sau", agency=world.justice, role=Role.PROVINCE_ADMIN
        )
    )
    assert not ApiClient.objects.filter(name="cua-sau").exists()
    assert User.objects.count() == users


def test_own_province_admin_keeps_the_clients(world: World) -> None:
    ours = api_client_create(name="he-thong-tu-phap", agency=world.justice, role=Role.SPECIALIST)
    admin = province_admin("qt_tinh_api", world.center, "api")
    c = _login(admin)
    assert "he-thong-tu-phap" in c.get("/admin/api/apiclient/").content.decode()
    assert c.get(f"/admin/api/apiclient/{ours.client.pk}/change/").status_code == 200
    r = c.post(
        "/admin/api/apiclient/",
        {"action": "revoke", "_selected_action": [ours.client.pk]},
    )
    assert r.status_code == 302
    ours.client.refresh_from_db()
    assert not ours.client.active
    issued = api_client_create(
        actor=admin, name="he-thong-y-te", agency=world.health, role=Role.SPECIALIST
    )
    assert issued.client.agency_id == world.health.pk
