"""A coordinating agency of an electronic inter-agency dispatch (liên thông đồng thời) does not
spend the lead agency's once-only powers over the dossier's time.

The supplement request (Mẫu 02 during processing) stops the whole dossier's clock and restarts
the lead agency's legal time limit from zero, and is made "once, completely" (REGULATIONS.md §2);
the apology (Mẫu 04) re-sets the return date, which "can be re-set only once", and both forms go
out in the lead agency's name and number series. While the Health Department holds a task of the
Justice Department's dossier, its officers may do neither: they finish the task with their
opinion (what is missing, why it will be late) and the lead agency acts. The lead agency, the
receiving desk (supplement) and an agency the dossier was transferred to keep the powers."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from motcua.core.errors import PermissionDenied
from motcua.dossiers.models import Apology, Counter, Dossier, Status, SupplementRequest
from motcua.dossiers.selectors import apology_warnings
from motcua.dossiers.services import (
    apology_issue,
    dossier_transfer,
    supplement_request,
)
from motcua.units.models import Role
from tests.api.conftest import problem, token_client
from tests.dossiers.conftest import World, at, member
from tests.dossiers.test_parallel_partner_scope import (
    dispatched,
    health_leader,
    transferred_to_health,
)

ITEMS = [{"name": "Giấy chứng nhận đủ điều kiện y tế", "originals": 0, "copies": 1}]
NEW = at("2022-06-20 16:00")


def unchanged(d: Dossier) -> tuple[object, ...]:
    """Everything the two refused acts would write: the dossier's clock and appointment, its
    history, its forms, the number series, the supplement and apology rows."""
    fresh = Dossier.objects.get(pk=d.pk)
    return (
        fresh.version,
        fresh.status,
        fresh.paused_at,
        fresh.due_at,
        fresh.appointment_at,
        fresh.apology_breach,
        fresh.events.count(),
        fresh.forms.count(),
        SupplementRequest.objects.filter(dossier=fresh).count(),
        Apology.objects.filter(dossier=fresh).count(),
        sorted(Counter.objects.filter(scope="form").values_list("key", "value")),
    )


def ask_supplement(actor: object, d: Dossier, when: str = "2022-06-01 11:00") -> Dossier:
    return supplement_request(
        actor=actor,
        dossier=d,
        items=ITEMS,
        reason="Thiếu giấy chứng nhận đủ điều kiện y tế",
        now=at(when),
    )


def apologise(actor: object, d: Dossier, when: str = "2022-06-06 10:00") -> Apology:
    return apology_issue(
        actor=actor,
        dossier=d,
        reason="Cần xác minh điều kiện y tế",
        new_appointment=NEW,
        now=at(when),
    )


def test_a_coordinating_agency_cannot_request_the_supplement(world: World) -> None:
    """Its specialist (the task's role) and its leader are refused, nothing written: the
    dossier's one supplement request and the lead agency's clock stay the lead agency's."""
    w = world
    d = dispatched(w)
    before = unchanged(d)
    for who in (w.users["health"], health_leader(w)):
        with pytest.raises(PermissionDenied) as exc:
            ask_supplement(who, d)
        assert exc.value.code == "permission_denied"
        assert "cơ quan chủ trì" in exc.value.message
    assert unchanged(d) == before
    # the lead agency still may, while the task is out: the request is its, in its series
    ask_supplement(w.users["specialist"], d)
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.status == Status.AWAITING_SUPPLEMENT
    assert fresh.forms.get(form="02").agency == w.justice


def test_the_receiving_desk_still_requests_the_supplement(world: World) -> None:
    w = world
    d = dispatched(w)
    ask_supplement(w.users["counter"], d)
    assert Dossier.objects.get(pk=d.pk).status == Status.AWAITING_SUPPLEMENT


def test_a_coordinating_agency_cannot_issue_the_apology(world: World) -> None:
    """The Health Department's leader cannot re-set the return date (only once per dossier) nor
    sign a Mẫu 04 numbered in the Justice Department's series."""
    w = world
    d = dispatched(w)
    before = unchanged(d)
    with pytest.raises(PermissionDenied) as exc:
        apologise(health_leader(w), d)
    assert exc.value.code == "permission_denied"
    assert "cơ quan chủ trì" in exc.value.message
    assert unchanged(d) == before
    # the lead agency's leader still may, once
    apology = apologise(w.users["leader"], d)
    assert apology.agency == w.justice
    assert Dossier.objects.get(pk=d.pk).appointment_at == NEW


def test_a_coordinating_task_passed_on_passes_neither_power(world: World) -> None:
    """The Health Department hands its task to the district committee: still a coordinating
    task (dossier_transfer keeps it in its group), so the district may do neither."""
    w = world
    d = dispatched(w)
    dossier_transfer(
        actor=w.users["health"],
        dossier=d,
        to_agency=w.district_committee,
        reason="Thuộc thẩm quyền xác minh của địa phương",
        now=at("2022-06-01 10:30"),
    )
    before = unchanged(d)
    with pytest.raises(PermissionDenied):
        ask_supplement(w.users["district_officer"], d)
    with pytest.raises(PermissionDenied):
        apologise(w.users["district_leader"], d)
    assert unchanged(d) == before


def test_an_agency_the_dossier_was_transferred_to_keeps_both_powers(world: World) -> None:
    """A transfer hands the step itself over: that agency handles the dossier and may request
    the supplement and apologise, in its own name and series (tests/dossiers/
    test_transfer_issuer.py)."""
    w = world
    d = transferred_to_health(w)
    apologise(health_leader(w), d, "2022-06-01 11:00")
    ask_supplement(w.users["health"], d, "2022-06-01 14:00")
    assert Dossier.objects.get(pk=d.pk).status == Status.AWAITING_SUPPLEMENT


def test_every_door_refuses_the_coordinating_agency(world: World) -> None:
    """The API (tokens of the Health Department) and the back office answer 403 with the
    Vietnamese reason and change nothing."""
    w = world
    d = dispatched(w, now=True)
    before = unchanged(d)
    api: APIClient = token_client(w.health, Role.SPECIALIST)
    r = api.post(
        f"/api/v1/dossiers/{d.code}/supplement-request/",
        {"version": d.version, "items": ["Giấy chứng nhận"], "reason": "Thiếu giấy chứng nhận"},
        format="json",
    )
    assert "cơ quan chủ trì" in problem(r, 403, "permission_denied")["message"]
    api = token_client(w.health, Role.LEADER)
    r = api.post(
        f"/api/v1/dossiers/{d.code}/apology/",
        {
            "version": d.version,
            "reason": "Cần xác minh",
            "new_appointment": "2099-12-15T16:00:00+07:00",
        },
        format="json",
    )
    assert "cơ quan chủ trì" in problem(r, 403, "permission_denied")["message"]
    web = Client()
    web.force_login(member(health_leader(w), w.health, Role.SPECIALIST))
    r = web.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/supplement/",
        {"version": d.version, "items": "Giấy chứng nhận", "reason": "Thiếu giấy chứng nhận"},
    )
    assert r.status_code == 403
    assert "cơ quan chủ trì" in r.content.decode()
    r = web.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/apology/",
        {"version": d.version, "reason": "Cần xác minh", "new_appointment": "2099-12-15T16:00"},
    )
    assert r.status_code == 403
    assert "cơ quan chủ trì" in r.content.decode()
    assert unchanged(d) == before


def test_the_dossier_page_offers_both_forms_only_to_the_lead_agency(world: World) -> None:
    w = world
    d = dispatched(w, now=True)
    partner, lead, desk = Client(), Client(), Client()
    # the Health Department's leader, also a specialist there: the task is theirs to finish
    partner.force_login(member(health_leader(w), w.health, Role.SPECIALIST))
    lead.force_login(w.users["leader"])
    desk.force_login(w.users["counter"])
    page = partner.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Hoàn thành, chuyển bước tiếp theo" in page
    assert "Yêu cầu bổ sung hồ sơ (Mẫu 02)" not in page
    assert "Xin lỗi, hẹn lại ngày trả (Mẫu 04)" not in page
    page = lead.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Yêu cầu bổ sung hồ sơ (Mẫu 02)" in page
    assert "Xin lỗi, hẹn lại ngày trả (Mẫu 04)" in page
    page = desk.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Yêu cầu bổ sung hồ sơ (Mẫu 02)" in page


def test_only_the_lead_agencys_leaders_are_told_to_apologise(world: World) -> None:
    """The queue's list of dossiers awaiting an apology (and the daily mail built from it) goes
    to those who may sign it: not the leader of an agency holding only a coordinating task."""
    w = world
    d = dispatched(w)
    partner = health_leader(w)
    assert d.pk not in {x.pk for x in apology_warnings(partner, now=at("2022-06-07 10:00"))}
    assert d.pk in {x.pk for x in apology_warnings(w.users["leader"], now=at("2022-06-07 10:00"))}
