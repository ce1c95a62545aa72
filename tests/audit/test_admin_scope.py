"""The audit trail names people, applicants and what changed in every province's dossiers and
rows, and carries no agency of its own: only whoever keeps the whole installation reads it in the
administration, and no one adds, changes or deletes an entry there."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from motcua.audit.models import AuditEntry
from motcua.audit.services import audit_record
from tests.dossiers.conftest import World, other_province_admin, province_admin

pytestmark = pytest.mark.django_db


def _entry(world: World) -> AuditEntry:
    with transaction.atomic():
        return audit_record(
            actor=world.users["counter"],
            action="dossier.receive",
            object_type="Dossier",
            object_id="H10.01-220601-0001",
            after={"applicant": "Nguyễn Văn An, 070123456789"},
        )


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_another_province_admin_cannot_read_the_trail(world: World) -> None:
    entry = _entry(world)
    outsider, _ = other_province_admin("audit")
    c = _login(outsider)
    r = c.get("/admin/audit/auditentry/")
    assert r.status_code == 403
    assert "070123456789" not in r.content.decode()
    assert c.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 403
    r = c.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    # nor the province administrator of this province, once the installation holds another
    admin = province_admin("qt_tinh_nk", world.center, "audit")
    assert _login(admin).get("/admin/audit/auditentry/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk, hash=entry.hash).exists()


def test_the_installation_keeper_reads_but_never_changes(world: World) -> None:
    entry = _entry(world)
    admin = province_admin("qt_tinh_nk", world.center, "audit")  # the one province there is
    c = _login(admin)
    assert "dossier.receive" in c.get("/admin/audit/auditentry/").content.decode()
    assert c.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    assert c.get("/admin/audit/auditentry/add/").status_code == 403
    r = c.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk, hash=entry.hash).exists()
