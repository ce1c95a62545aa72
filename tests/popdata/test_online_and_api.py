"""The online submission checks the citizen account's identity after it is filed (never
blocking it), and the API's action for staff tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from motcua.dossiers.models import ApplicantKind, Dossier, Status
from motcua.dossiers.services import dossier_receive
from motcua.popdata.fake import FakePopulationDb
from motcua.popdata.models import Context, Verification
from motcua.units.models import Role
from tests.api.conftest import problem, token_client
from tests.api.scenarios import consulted
from tests.eservices.conftest import upload
from tests.factories import CitizenFactory
from tests.popdata.conftest import World


def _submit(w: World, citizen: Any) -> Any:
    c = Client()
    c.force_login(citizen.user)
    data: dict[str, Any] = {
        "desk": w.center.pk,
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "address": "Đồng Xoài",
        "request": "Đề nghị thành lập văn phòng",
        "action": "submit",
    }
    for doc in w.simple.documents.all():
        data[f"doc_{doc.pk}_file"] = upload()
    return c.post(reverse("eservices:submit", args=[w.simple.pk]), data)


@pytest.mark.parametrize(
    ("name", "mode", "outcome", "reason"),
    [
        ("Nguyễn Văn An", "ok", "match", ""),
        ("Nguyễn Văn Ân", "ok", "mismatch", ""),
        ("Nguyễn Văn An", "down", "unavailable", "connection"),
        ("Nguyễn Văn An", "slow", "unavailable", "timeout"),
    ],
)
def test_online_submission_checked_never_blocked(
    world: World, fake: FakePopulationDb, name: str, mode: str, outcome: str, reason: str
) -> None:
    citizen = CitizenFactory(name=name, id_number="070123456789")
    if mode == "down":
        fake.down()
    fake.mode = "slow" if mode == "slow" else "ok"
    r = _submit(world, citizen)
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.get(account=citizen.user)
    assert d.status == Status.SUBMITTED
    v = Verification.objects.get(dossier=d)
    assert (v.context, v.outcome, v.reason) == (Context.ONLINE, outcome, reason)
    assert v.fields_checked == ["id_number", "name"] and v.requested_by == citizen.user
    assert v.agency == world.center
    # the desk sees it on the dossier's page
    desk = Client()
    desk.force_login(world.users["counter"])
    page = desk.get(f"/can-bo/ho-so/{d.pk}/").content.decode()
    assert f'data-outcome="{outcome}"' in page and "Nộp trực tuyến" in page


# ---- the API -------------------------------------------------------------------------------------


def _dossier(w: World, **over: Any) -> Dossier:
    return dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake(**over))


def url(d: Dossier) -> str:
    return f"/api/v1/dossiers/{d.code}/verify-applicant/"


def test_api_verify_match_mismatch_unavailable(world: World, fake: FakePopulationDb) -> None:
    d = _dossier(world)
    api = token_client(world.justice, Role.SPECIALIST)
    r = api.post(url(d), {"birth_date": "1990-05-17"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["outcome"] == "match" and body["dossier"] == d.code
    assert body["fields_checked"] == ["id_number", "name", "birth_date"]
    assert body["mismatched"] == [] and body["reference"].startswith("CSDLDC-")
    r = api.post(url(d), {"birth_date": "1990-05-18"}, format="json")
    assert r.json()["outcome"] == "mismatch" and r.json()["mismatched"] == ["birth_date"]
    fake.down()
    r = api.post(url(d), {}, format="json")
    assert r.status_code == 200 and r.json()["outcome"] == "unavailable"
    assert r.json()["reason"] == "connection"
    assert Verification.objects.filter(dossier=d, context=Context.API).count() == 3


def test_api_problems(world: World, fake: FakePopulationDb) -> None:
    d = _dossier(world)
    api = token_client(world.center, Role.COUNTER, "quay")
    body = problem(
        api.post(url(d), {"birth_date": "17/05"}, format="json"), 400, "validation_failed"
    )
    assert body["errors"][0]["field"] == "birth_date"
    problem(api.post(url(d), {"birth_date": "2999-01-01"}, format="json"), 400, "validation_failed")
    problem(api.post(url(d), [1, 2], format="json"), 400, "validation_failed")
    problem(
        token_client(world.health, Role.SPECIALIST).post(url(d), {}, format="json"),
        404,
        "dossier_not_found",
    )
    problem(
        api.post("/api/v1/dossiers/KHONG-CO/verify-applicant/", {}, format="json"),
        404,
        "dossier_not_found",
    )
    org = _dossier(
        world,
        applicant=world.intake().applicant.__class__(
            "Công ty TNHH An Phát", "3800123456", kind=ApplicantKind.ORGANISATION
        ),
    )
    problem(api.post(url(org), {}, format="json"), 409, "not_a_person")
    cmnd = _dossier(
        world, applicant=world.intake().applicant.__class__("Nguyễn Văn An", "070123456")
    )
    problem(api.post(url(cmnd), {}, format="json"), 409, "bad_id_number")
    anonymous = APIClient()
    assert anonymous.post(url(d), {}, format="json").status_code in (401, 403)
    assert not Verification.objects.exists() and fake.verify_requests == []


def test_api_permission_inside_a_visible_dossier(world: World, fake: FakePopulationDb) -> None:
    """A consulted agency sees the dossier but may not check its applicant: only the receiving
    desk and the processing agency may."""
    d = consulted(world)
    health = token_client(world.health, Role.SPECIALIST)
    assert health.get(f"/api/v1/dossiers/{d.code}/").status_code == 200
    problem(health.post(url(d), {}, format="json"), 403, "permission_denied")
    assert not Verification.objects.exists()
    r = token_client(world.justice, Role.LEADER).post(url(d), {}, format="json")
    assert r.status_code == 200 and r.json()["outcome"] == "match"


def test_schema_lists_the_action(world: World) -> None:
    api = token_client(world.center, Role.COUNTER)
    r = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    text = r.content.decode()
    assert r.status_code == 200
    assert "/api/v1/dossiers/{ref}/verify-applicant/" in text
    assert "dossier_verify_applicant" in text
