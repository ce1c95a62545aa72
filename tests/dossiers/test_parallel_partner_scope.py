"""A coordinating agency of an electronic inter-agency dispatch (liên thông đồng thời) handles its
own task and hands it back (``step_complete``); it does not decide the lead agency's dossier.

The dossier is a row both agencies act on: while the Health Department's parallel task is active,
its officers must not return the Justice Department's dossier to the applicant unresolved (the
refusal notice is issued in the lead agency's name and number series) nor attach its result.
The lead agency keeps both powers, and so does an agency the dossier was transferred to (it
then handles the step itself)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from motcua.core.errors import IllegalTransition, PermissionDenied
from motcua.dossiers.files import check_upload
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import (
    ParallelTask,
    dossier_dispatch_parallel,
    dossier_receive,
    dossier_return_unresolved,
    dossier_transfer,
    result_attach,
    step_complete,
    step_send_back,
)
from motcua.units.models import Role
from tests.api import scenarios as sc
from tests.api.conftest import problem, token_client
from tests.dossiers.conftest import World, at, member
from tests.factories import UserFactory


def dispatched(w: World, *, now: bool = False) -> Dossier:
    """Received; the Justice Department's specialist sent a task to the Health Department."""
    d = dossier_receive(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        now=sc.morning() if now else at("2022-06-01 09:00"),
    )
    dossier_dispatch_parallel(
        actor=w.users["specialist"],
        dossier=d,
        tasks=[ParallelTask(w.health, "Thẩm định điều kiện y tế", Decimal(1))],
        now=None if now else at("2022-06-01 10:00"),
    )
    return Dossier.objects.get(pk=d.pk)


def dispatched_by_leader(w: World) -> Dossier:
    """Received at 09:00; the Justice Department's specialist finished at 10:00 and its leader
    sent the task to the Health Department at 11:00, from the lead agency's last step."""
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-01 10:00"))
    dossier_dispatch_parallel(
        actor=w.users["leader"],
        dossier=d,
        tasks=[ParallelTask(w.health, "Thẩm định điều kiện y tế", Decimal(1))],
        now=at("2022-06-01 11:00"),
    )
    return d


def transferred_to_health(w: World) -> Dossier:
    """Received at 09:00; the Justice Department's specialist transferred it to the Health
    Department at 10:00 (the step itself handed over)."""
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    dossier_transfer(
        actor=w.users["specialist"],
        dossier=d,
        to_agency=w.health,
        reason="Thuộc Sở Y tế",
        now=at("2022-06-01 10:00"),
    )
    return d


def health_leader(w: World) -> object:
    return member(UserFactory(username="ld_yte"), w.health, Role.LEADER)


def unchanged(d: Dossier) -> tuple[object, ...]:
    fresh = Dossier.objects.get(pk=d.pk)
    return (fresh.version, fresh.status, fresh.events.count(), fresh.forms.count())


def pdf() -> object:
    return check_upload("ket-qua.pdf", sc.pdf_bytes())


def test_a_coordinating_agency_cannot_return_the_lead_agencys_dossier(world: World) -> None:
    w = world
    d = dispatched(w)
    before = unchanged(d)
    with pytest.raises(PermissionDenied) as exc:
        dossier_return_unresolved(
            actor=health_leader(w),
            dossier=d,
            reasons="Không đủ điều kiện",
            now=at("2022-06-01 11:00"),
        )
    assert exc.value.code == "permission_denied"
    assert "cơ quan chủ trì" in exc.value.message
    assert unchanged(d) == before
    # the lead agency's leader still may, while the task is out
    dossier_return_unresolved(
        actor=w.users["leader"], dossier=d, reasons="Không đủ điều kiện", now=at("2022-06-01 11:00")
    )
    assert Dossier.objects.get(pk=d.pk).status == Status.RETURNED


def test_a_coordinating_agency_cannot_attach_the_lead_agencys_result(world: World) -> None:
    w = world
    d = dispatched(w)
    before = unchanged(d)
    docs = d.documents.count()
    for who in (w.users["health"], health_leader(w)):
        with pytest.raises(PermissionDenied) as exc:
            result_attach(
                actor=who,
                dossier=d,
                checked=pdf(),
                signer="Nguyễn Văn B",
                electronic=False,
                now=at("2022-06-01 11:00"),
            )
        assert exc.value.code == "permission_denied"
    assert unchanged(d) == before
    assert d.documents.count() == docs
    result_attach(
        actor=w.users["leader"],
        dossier=d,
        checked=pdf(),
        signer="Nguyễn Văn B",
        electronic=False,
        now=at("2022-06-01 11:00"),
    )
    assert d.documents.count() == docs + 1


def test_an_agency_the_dossier_was_transferred_to_decides_it(world: World) -> None:
    """A transfer hands the step itself over: that agency handles it, and may end it."""
    w = world
    d = transferred_to_health(w)
    result_attach(
        actor=w.users["health"],
        dossier=d,
        checked=pdf(),
        signer="Nguyễn Văn B",
        electronic=False,
        now=at("2022-06-01 11:00"),
    )
    dossier_return_unresolved(
        actor=health_leader(w), dossier=d, reasons="Không đủ điều kiện", now=at("2022-06-01 11:00")
    )
    assert Dossier.objects.get(pk=d.pk).status == Status.RETURNED


def test_every_door_refuses_the_coordinating_agency(world: World) -> None:
    """The API (a token of the Health Department's leader) and the back office answer 403 with
    the Vietnamese reason, never a 500, and change nothing."""
    w = world
    d = dispatched(w, now=True)
    before = unchanged(d)
    api: APIClient = token_client(w.health, Role.LEADER)
    r = api.post(
        f"/api/v1/dossiers/{d.code}/return-unresolved/",
        {"version": d.version, "reasons": "Không đủ điều kiện"},
        format="json",
    )
    assert "cơ quan chủ trì" in problem(r, 403, "permission_denied")["message"]
    r = api.post(
        f"/api/v1/dossiers/{d.code}/result-attach/",
        {
            "version": d.version,
            "signer": "Nguyễn Văn B",
            "electronic": "false",
            "file": SimpleUploadedFile("kq.pdf", sc.pdf_bytes(), content_type="application/pdf"),
        },
        format="multipart",
    )
    problem(r, 403, "permission_denied")
    web = Client()
    web.force_login(health_leader(w))
    r = web.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/return_unresolved/",
        {"version": d.version, "reasons": "Không đủ điều kiện"},
    )
    assert r.status_code == 403
    assert "cơ quan chủ trì" in r.content.decode()
    assert unchanged(d) == before


def test_the_dossier_page_offers_the_decisions_only_to_the_lead_agency(world: World) -> None:
    w = world
    d = dispatched(w)
    partner, lead = Client(), Client()
    # the Health Department's leader, also a specialist there: the task is theirs to finish
    partner.force_login(member(health_leader(w), w.health, Role.SPECIALIST))
    lead.force_login(w.users["leader"])
    page = partner.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Hoàn thành, chuyển bước tiếp theo" in page
    assert "Trả lại, không giải quyết" not in page
    assert "Đính kèm kết quả" not in page
    assert "Trả lại bước trước" not in page
    assert "Liên thông điện tử đồng thời" not in page
    assert "Chuyển cơ quan khác" in page and "Lấy ý kiến cơ quan khác" in page
    page = lead.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Trả lại, không giải quyết" in page
    assert "Đính kèm kết quả" in page


def test_a_coordinating_agency_passing_its_task_on_passes_no_more_power(world: World) -> None:
    """The Health Department hands its task to the district committee (dossier_transfer): the
    task stays a coordinating one — the district's leader cannot end the Justice Department's
    dossier either — and the lead agency's next step still waits for it."""
    w = world
    d = dispatched(w)
    dossier_transfer(
        actor=w.users["health"],
        dossier=d,
        to_agency=w.district_committee,
        reason="Thuộc thẩm quyền xác minh của địa phương",
        now=at("2022-06-01 11:00"),
    )
    moved = d.steps.get(status="active")
    assert moved.agency == w.district_committee
    before = unchanged(d)
    with pytest.raises(PermissionDenied):
        dossier_return_unresolved(
            actor=w.users["district_leader"],
            dossier=d,
            reasons="Không đủ điều kiện",
            now=at("2022-06-01 14:00"),
        )
    with pytest.raises(PermissionDenied):
        result_attach(
            actor=w.users["district_officer"],
            dossier=d,
            checked=pdf(),
            signer="Nguyễn Văn B",
            electronic=False,
            now=at("2022-06-01 14:00"),
        )
    assert unchanged(d) == before


def test_a_task_passed_on_still_holds_the_lead_agencys_next_step(world: World) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    dossier_dispatch_parallel(
        actor=w.users["specialist"],
        dossier=d,
        tasks=[
            ParallelTask(w.health, "Thẩm định điều kiện y tế", Decimal(1)),
            ParallelTask(w.district_committee, "Xác minh tại địa phương", Decimal(2)),
        ],
        now=at("2022-06-01 10:00"),
    )
    dossier_transfer(
        actor=w.users["health"],
        dossier=d,
        to_agency=w.commune_committee,
        reason="Xác minh tại phường",
        now=at("2022-06-01 11:00"),
    )
    step_complete(actor=w.users["district_officer"], dossier=d, now=at("2022-06-01 14:00"))
    # the commune's part of the task is not done: the Justice Department's leader waits
    assert not d.steps.filter(role="lanh_dao", status="active").exists()
    step_complete(actor=w.users["commune_officer"], dossier=d, now=at("2022-06-01 15:00"))
    assert d.steps.filter(role="lanh_dao", status="active").exists()
    assert Dossier.objects.get(pk=d.pk).status == Status.IN_PROGRESS


def test_a_coordinating_agency_cannot_dispatch_its_task_on(world: World) -> None:
    """A new group of tasks from the Health Department's would not hold the Justice
    Department's next step (it waits for the first group): refused, nothing written; the
    Health Department consults or hands its task on instead."""
    w = world
    d = dispatched(w)
    before = unchanged(d)
    with pytest.raises(IllegalTransition) as exc:
        dossier_dispatch_parallel(
            actor=w.users["health"],
            dossier=d,
            tasks=[ParallelTask(w.commune_committee, "Xác minh tại phường", Decimal(1))],
            now=at("2022-06-01 11:00"),
        )
    assert exc.value.code == "parallel_task_dispatch"
    assert unchanged(d) == before
    assert not d.steps.filter(agency=w.commune_committee).exists()


def test_a_coordinating_agency_cannot_send_the_lead_agencys_step_back(world: World) -> None:
    """Sent out from the leader's step, the Health Department's task cannot make the Justice
    Department's specialist redo theirs: the task is finished with its opinion instead."""
    w = world
    d = dispatched_by_leader(w)
    before = unchanged(d)
    with pytest.raises(IllegalTransition) as exc:
        step_send_back(
            actor=w.users["health"],
            dossier=d,
            reason="Thẩm định lại",
            now=at("2022-06-01 14:00"),
        )
    assert exc.value.code == "parallel_task_send_back"
    assert "cơ quan chủ trì" in exc.value.message
    assert unchanged(d) == before
    assert not d.steps.filter(role="chuyen_vien", status="active").exists()


def test_a_coordinating_agency_finishing_its_task_does_not_resolve_the_dossier(
    world: World,
) -> None:
    """Tasks sent out from the Justice Department's last step (its leader's): when the Health
    Department finishes the last of them, nothing of the lead agency's is left but the return,
    and the dossier used to be resolved there — by the coordinating agency's act, the applicant
    told the result was ready before the lead agency decided anything. The step that sent the
    tasks comes back to the lead agency instead; its leader resolves the dossier."""
    w = world
    d = dispatched_by_leader(w)
    step_complete(
        actor=w.users["health"], dossier=d, note="Đủ điều kiện", now=at("2022-06-01 14:00")
    )
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.status == Status.IN_PROGRESS
    assert fresh.finished_at is None
    assert not fresh.events.filter(type="resolved").exists()
    back = fresh.steps.get(status="active")
    assert (back.agency, back.role) == (w.justice, "lanh_dao")
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-01 15:00"))
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.status == Status.RESOLVED
    assert fresh.events.get(type="resolved").agency == w.justice
