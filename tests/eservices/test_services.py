"""The dossier services added for the portal, called directly: the account must be the
dossier's, the state and channel must fit; and the admin action that generates slots."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from motcua.core.errors import DomainError
from motcua.dossiers.files import check_upload
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import (
    ApplicantData,
    counter_guidance_issue,
    dossier_accept_online,
    dossier_complete_online,
    dossier_return_for_completion,
    dossier_submit_online,
    supplement_request,
    supplement_submit_online,
)
from motcua.eservices.models import Slot, SlotTemplate
from tests.eservices.conftest import World, pdf_bytes
from tests.factories import UserFactory


def _file() -> list[tuple[str, Any]]:
    return [("Đề án thành lập", check_upload("de-an.pdf", pdf_bytes(1)))]


def _online(w: World, account: Any) -> Dossier:
    return dossier_submit_online(
        applicant=ApplicantData("Trần Thị Bình", "079200000001"),
        procedure=w.simple,
        desk=w.center,
        account=account,
    )


def test_complete_online_checks_account_status_channel(
    world: World, citizen: Any, other: Any
) -> None:
    w = world
    d = _online(w, citizen.user)
    with pytest.raises(DomainError) as exc:  # not sent back
        dossier_complete_online(account=citizen.user, dossier=d, files=_file())
    assert exc.value.code == "illegal_transition"
    d = dossier_return_for_completion(
        actor=w.users["counter"], dossier=d, items=[{"name": "Đề án"}], reason="Thiếu"
    )
    for account in (other.user, None, w.users["counter"]):
        with pytest.raises(DomainError) as exc:
            dossier_complete_online(account=account, dossier=d, files=_file())
        assert exc.value.code == "not_found"
    with pytest.raises(DomainError) as exc:
        dossier_complete_online(account=citizen.user, dossier=d, files=[])
    assert exc.value.code == "files_required"
    d.refresh_from_db()
    assert d.status == Status.NEEDS_COMPLETION and d.documents.count() == 0
    # a paper dossier guided at the counter is completed at the counter
    paper = counter_guidance_issue(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        missing=[{"name": "Đơn"}],
        reason="Thiếu đơn",
    )
    Dossier.objects.filter(pk=paper.pk).update(account=citizen.user)
    with pytest.raises(DomainError) as exc:
        dossier_complete_online(account=citizen.user, dossier=paper, files=_file())
    assert exc.value.code == "bad_channel"


def test_supplement_online_checks_account_and_state(world: World, citizen: Any, other: Any) -> None:
    w = world
    d = dossier_accept_online(actor=w.users["counter"], dossier=_online(w, citizen.user))
    with pytest.raises(DomainError) as exc:
        supplement_submit_online(account=citizen.user, dossier=d, files=_file())
    assert exc.value.code == "illegal_transition"
    d = supplement_request(
        actor=w.users["specialist"], dossier=d, items=[{"name": "CCCD"}], reason="Thiếu CCCD"
    )
    with pytest.raises(DomainError) as exc:
        supplement_submit_online(account=other.user, dossier=d, files=_file())
    assert exc.value.code == "not_found"
    with pytest.raises(DomainError) as exc:
        supplement_submit_online(account=citizen.user, dossier=d, files=[])
    assert exc.value.code == "files_required"
    d = supplement_submit_online(
        account=citizen.user, dossier=d, files=_file(), now=d.paused_at + dt.timedelta(hours=2)
    )
    assert d.status == Status.IN_PROGRESS
    assert d.supplement_requests.get().fulfilled_at is not None


def test_admin_action_generates_a_week(world: World) -> None:
    admin = UserFactory(username="quan_tri", is_staff=True, is_superuser=True)
    SlotTemplate.objects.create(desk=world.center, weekday=2, start=dt.time(8), capacity=3)
    c = Client()
    c.force_login(admin)
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, tzinfo=dt.UTC), tick=False):
        r = c.post(
            "/admin/eservices/slottemplate/",
            {
                "action": "generate_next_week",
                "_selected_action": [str(SlotTemplate.objects.get().pk)],
            },
        )
    assert r.status_code == 302
    slot = Slot.objects.get()
    assert slot.date == dt.date(2026, 12, 2) and slot.capacity == 3 and slot.desk == world.center


def test_generating_slots_needs_the_permission_to_add_them(world: World) -> None:
    """The templates' action writes slots: an administrator of the desk's province who may only
    read the templates is not offered it, and posting it writes nothing."""
    from django.contrib.auth.models import Permission

    from motcua.units.models import Role
    from tests.dossiers.conftest import member

    reader = member(
        UserFactory(username="qt_xem_mau", is_staff=True), world.center, Role.PROVINCE_ADMIN
    )
    reader.user_permissions.set(Permission.objects.filter(codename="view_slottemplate"))
    template = SlotTemplate.objects.create(
        desk=world.center, weekday=2, start=dt.time(8), capacity=3
    )
    c = Client()
    c.force_login(reader)
    page = c.get("/admin/eservices/slottemplate/")
    assert page.status_code == 200 and 'value="generate_next_week"' not in page.content.decode()
    c.post(
        "/admin/eservices/slottemplate/",
        {"action": "generate_next_week", "_selected_action": [str(template.pk)]},
    )
    assert not Slot.objects.exists()
    # given the permission to add slots, the same administrator (who keeps the desk's templates)
    # generates the week
    reader.user_permissions.add(Permission.objects.get(codename="add_slot"))
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, tzinfo=dt.UTC), tick=False):
        r = c.post(
            "/admin/eservices/slottemplate/",
            {"action": "generate_next_week", "_selected_action": [str(template.pk)]},
        )
    assert r.status_code == 302
    assert Slot.objects.get().date == dt.date(2026, 12, 2)


def test_bookings_and_withdrawal_requests_are_not_deleted_in_the_administration(
    world: World,
) -> None:
    """Written by their services only: a booking deleted here left its slot counting a place
    taken, a withdrawal request deleted erased what the citizen asked. Not even whoever keeps
    the whole installation deletes them (the citizen cancels a booking on the portal)."""
    from django.contrib import admin as django_admin

    from motcua.eservices.models import Booking, WithdrawalRequest

    keeper = UserFactory(username="quan_tri_het", is_staff=True, is_superuser=True)
    request = type("R", (), {"user": keeper})()
    for model in (Booking, WithdrawalRequest):
        model_admin = django_admin.site._registry[model]
        assert not model_admin.has_delete_permission(request), model.__name__
