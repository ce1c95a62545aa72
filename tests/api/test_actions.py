"""Lifecycle actions through the API: each one the back office's service, its input checked field
by field, the version as the optimistic lock, 404 outside the caller's scope."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from motcua.dossiers.models import Dossier, DossierEvent, EventType, Outbox, Rating, Status
from motcua.units.models import Role
from tests.api import scenarios as sc
from tests.api.conftest import problem, token_client
from tests.dossiers.conftest import World


def post(
    client: APIClient, d: Dossier, action: str, body: dict[str, Any], multipart: bool = False
) -> Any:
    url = f"/api/v1/dossiers/{d.pk}/{action}/"
    if multipart:
        return client.post(url, body, format="multipart")
    return client.post(url, body, format="json")


def home_client(w: World, case: sc.Case) -> APIClient:
    role = sorted(case.roles)[0]
    return token_client(sc.agency(w, case.home), role, name=f"home-{case.api}")


@pytest.mark.parametrize("case", sc.CASES, ids=lambda c: c.api)
def test_every_action_runs_its_service_and_answers_the_dossier(world: World, case: sc.Case) -> None:
    d = case.state(world)
    before = sc.fresh(d)
    events = DossierEvent.objects.filter(dossier=d).count()
    r = post(home_client(world, case), d, case.api, case.body(world, d), case.multipart)
    assert r.status_code == 200, r.content
    body = r.json()
    after = sc.fresh(d)
    assert body["id"] == d.pk and body["version"] == after.version
    assert DossierEvent.objects.filter(dossier=d).count() > events  # the service wrote history
    if case.api == "rate":
        assert Rating.objects.get(dossier=d).score == 5
    else:
        assert after.version > before.version
    expected = {
        "accept-online": Status.IN_PROGRESS,
        "refuse": Status.REFUSED,
        "return-for-completion": Status.NEEDS_COMPLETION,
        "supplement-request": Status.AWAITING_SUPPLEMENT,
        "supplement-receive": Status.IN_PROGRESS,
        "withdraw": Status.WITHDRAWN,
        "return-unresolved": Status.RETURNED,
    }.get(case.api)
    if expected:
        assert after.status == expected and body["status"] == expected


@pytest.mark.parametrize("case", [c for c in sc.CASES if c.api != "rate"], ids=lambda c: c.api)
def test_a_stale_version_is_409_and_changes_nothing(world: World, case: sc.Case) -> None:
    d = case.state(world)
    before = sc.fresh(d)
    body = case.body(world, d)
    body["version"] = before.version + 1
    outbox = Outbox.objects.count()
    problem(post(home_client(world, case), d, case.api, body, case.multipart), 409, "stale_dossier")
    after = sc.fresh(d)
    assert (after.version, after.status) == (before.version, before.status)
    assert Outbox.objects.count() == outbox


@pytest.mark.parametrize("case", [c for c in sc.CASES if c.api != "rate"], ids=lambda c: c.api)
def test_without_a_version_the_field_is_named(world: World, case: sc.Case) -> None:
    d = case.state(world)
    body = case.body(world, d)
    del body["version"]
    r = post(home_client(world, case), d, case.api, body, case.multipart)
    errors = problem(r, 400, "validation_failed")["errors"]
    assert {"version"} <= {e["field"] for e in errors}
    assert sc.fresh(d).version == d.version or sc.fresh(d).version >= 0


HOSTILE = [
    ("refuse", {"reasons": 12}, "reasons"),  # a number is taken as text by DRF? no: see below
    ("refuse", {"reasons": "x" * 4001}, "reasons"),
    ("refuse", {"reasons": "a\x00b"}, "reasons"),
    ("refuse", {"reasons": ["a"]}, "reasons"),
    ("refuse", {"reasons": ""}, "reasons"),
    ("step-complete", {"step": "abc"}, "step"),
    ("step-complete", {"step": 2**40}, "step"),
    ("step-assign", {"step": 1, "handler": "khong_ton_tai"}, "handler"),
    ("transfer", {"agency": "999.99.99.X00", "reason": "x"}, "agency"),
    ("transfer", {"agency": {"code": 1}, "reason": "x"}, "agency"),
    ("dispatch-parallel", {"tasks": []}, "tasks"),
    (
        "dispatch-parallel",
        {"tasks": [{"agency": "000.00.16.H10", "task": "x", "days": "0"}]},
        "tasks.0.days",
    ),
    (
        "dispatch-parallel",
        {"tasks": [{"agency": "000.00.16.H10", "task": "x", "days": "NaN"}]},
        "tasks.0.days",
    ),
    ("consultation-request", {"agency": "000.00.16.H10", "question": "q", "days": "1e9"}, "days"),
    ("return-for-completion", {"items": ["x"] * 51, "reason": "r"}, "items"),
    ("return-for-completion", {"items": "một chuỗi", "reason": "r"}, "items"),
    ("apology", {"reason": "r", "new_appointment": "ngày mai"}, "new_appointment"),
    ("rate", {"score": 6}, "score"),
    ("rate", {"score": "năm"}, "score"),
]


@pytest.mark.parametrize(("action", "body", "field"), HOSTILE)
def test_hostile_input_is_400_naming_the_field_and_changes_nothing(
    world: World, action: str, body: dict[str, Any], field: str
) -> None:
    case = sc.BY_API[action]
    d = case.state(world)
    before = sc.fresh(d)
    sent = {"version": before.version, **body}
    r = post(home_client(world, case), d, action, sent)
    if action == "refuse" and body["reasons"] == 12:
        # DRF reads a JSON number as text ("12"): a valid reason, the refusal happens
        assert r.status_code == 200
        return
    errors = problem(r, 400, "validation_failed")["errors"]
    assert field in {e["field"] for e in errors}, errors
    assert all(e["message"] for e in errors)
    english = ("Ensure", "This field", "valid", "required", "Expected", "number")
    assert not [e for e in errors if any(word in e["message"] for word in english)], errors
    assert sc.fresh(d).version == before.version


def test_a_consultation_of_another_dossier_cannot_be_answered(world: World) -> None:
    mine = sc.consulted(world)
    other = sc.consulted(world)
    client = token_client(world.health, Role.SPECIALIST)
    body = {
        "version": sc.fresh(mine).version,
        "consultation": sc.consultation(other),
        "answer": "x",
    }
    r = post(client, mine, "consultation-answer", body)
    errors = problem(r, 400, "consultation_not_found")["errors"]
    assert errors[0]["field"] == "consultation"
    assert other.consultations.get().answered_at is None


def test_a_consultation_of_a_withdrawn_dossier_is_409_and_changes_nothing(world: World) -> None:
    d = sc.consulted(world)
    sc.svc.dossier_withdraw(actor=world.users["counter"], dossier=d, reason="Rút hồ sơ")
    before = sc.fresh(d)
    body = {"version": before.version, "consultation": sc.consultation(d), "answer": "x"}
    r = post(token_client(world.health, Role.SPECIALIST), d, "consultation-answer", body)
    problem(r, 409, "dossier_finished")
    after = sc.fresh(d)
    assert (after.version, after.status) == (before.version, Status.WITHDRAWN)
    assert d.consultations.get().answered_at is None


def test_rate_before_the_result_was_returned_is_409_and_changes_nothing(world: World) -> None:
    """The API's rating door checks what the portal's and the tablet's check (in the service):
    a dossier whose result was not yet handed to the applicant is not rated."""
    d = sc.resolved(world)
    before = sc.fresh(d)
    events = DossierEvent.objects.filter(dossier=d).count()
    r = post(token_client(world.center, Role.COUNTER), d, "rate", {"score": 5, "comment": ""})
    problem(r, 409, "not_returned_yet")
    assert sc.fresh(d).version == before.version and sc.fresh(d).returned_at is None
    assert DossierEvent.objects.filter(dossier=d).count() == events
    assert not Rating.objects.filter(dossier=d).exists()


def test_rate_records_who_acted_and_the_door(world: World) -> None:
    d = sc.returned(world)
    client = token_client(world.center, Role.COUNTER, name="may-tinh-bang-quay-1")
    r = post(client, d, "rate", {"score": 4, "comment": "Nhanh"})
    assert r.status_code == 200, r.content
    event = DossierEvent.objects.get(dossier=d, type=EventType.RATED)
    # the API client's service account, as every other action through the API
    assert event.actor is not None and event.actor.first_name == "may-tinh-bang-quay-1"
    assert event.actor.memberships.get().agency == world.center
    assert event.data == {"score": 4, "via": "api"}


def test_result_attach_refuses_a_file_that_is_not_a_pdf_or_image(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = sc.in_progress(world)
    client = token_client(world.justice, Role.SPECIALIST)
    fake = SimpleUploadedFile(
        "ket-qua.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    body = {"version": d.version, "signer": "B", "file": fake}
    r = post(client, d, "result-attach", body, multipart=True)
    errors = problem(r, 400, "validation_failed")["errors"]
    assert errors[0]["field"] == "file"
    assert not d.documents.exists()
    # JSON is not accepted for an upload
    r = post(client, d, "result-attach", {"version": d.version, "signer": "B"})
    problem(r, 415, "unsupported_media_type")


def test_service_refusals_name_their_field(world: World) -> None:
    d = sc.in_progress(world)
    client = token_client(world.justice, Role.SPECIALIST)
    body = {"version": d.version, "agency": world.justice.code, "reason": "x"}
    errors = problem(post(client, d, "transfer", body), 400, "same_agency")["errors"]
    assert errors == [{"field": "agency", "code": "same_agency", "message": errors[0]["message"]}]


def test_an_action_on_a_dossier_outside_the_scope_is_404(world: World) -> None:
    d = sc.in_progress(world)
    district = token_client(world.district_committee, Role.SPECIALIST)
    problem(post(district, d, "step-complete", {"version": d.version}), 404, "dossier_not_found")
    problem(post(district, d, "nope", {"version": d.version}), 404, "not_found")
    assert sc.fresh(d).version == d.version


def test_actions_by_code_and_anonymous(world: World, anon: APIClient) -> None:
    d = sc.in_progress(world)
    problem(
        anon.post(f"/api/v1/dossiers/{d.code}/withdraw/", {}, format="json"),
        401,
        "not_authenticated",
    )
    client = token_client(world.center, Role.COUNTER)
    r = client.post(
        f"/api/v1/dossiers/{d.code}/withdraw/",
        {"version": d.version, "reason": "Rút"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == Status.WITHDRAWN
    # a GET on an action is not allowed
    problem(client.get(f"/api/v1/dossiers/{d.code}/withdraw/"), 405, "method_not_allowed")


def test_session_writes_need_csrf(world: World) -> None:
    d = sc.in_progress(world)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["counter"])
    r = client.post(
        f"/api/v1/dossiers/{d.pk}/withdraw/", {"version": d.version, "reason": "x"}, format="json"
    )
    problem(r, 403, "csrf_failed")
    assert sc.fresh(d).status == Status.IN_PROGRESS


def test_the_schema_links_a_dossier_to_its_actions(anon: APIClient) -> None:
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    detail = schema["paths"]["/api/v1/dossiers/{ref}/"]["get"]["responses"]["200"]["links"]
    assert detail["dossier_withdraw"] == {
        "operationId": "dossier_withdraw",
        "parameters": {"path.ref": "$response.body#/id"},
        "description": detail["dossier_withdraw"]["description"],
        "requestBody": {"version": "$response.body#/version"},
    }
    assert "requestBody" not in detail["dossier_rate"]  # rating takes no version
    assert "dossier_result_attach" not in detail  # an upload: no JSON body to fill
    actions = [
        p for p in schema["paths"] if p.startswith("/api/v1/dossiers/{ref}/") and p.count("/") == 6
    ]
    assert len(actions) == 19  # the 18 lifecycle actions + verify-applicant (popdata)
    for path in actions:
        op = schema["paths"][path]["post"]
        assert op["tags"] == ["Thao tác trên hồ sơ"] and op["summary"]
        assert {"200", "400", "401", "403", "404", "409"} <= set(op["responses"])


def test_supplement_receive_takes_files_as_multipart(world: World) -> None:
    d = sc.awaiting(world)
    client = token_client(world.center, Role.COUNTER)
    body = {
        "version": sc.fresh(d).version,
        "document": "Bản sao hợp đồng",
        "files": [sc.pdf_upload("hop-dong.pdf"), sc.pdf_upload("phu-luc.pdf")],
    }
    r = post(client, d, "supplement-receive", body, multipart=True)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == Status.IN_PROGRESS
    names = sorted(d.documents.values_list("name", flat=True))
    assert names == ["hop-dong.pdf", "phu-luc.pdf"]
    assert set(d.documents.values_list("required_document", flat=True)) == {"Bản sao hợp đồng"}


def test_a_body_that_is_not_an_object_is_400_in_vietnamese(world: World) -> None:
    d = sc.in_progress(world)
    client = token_client(world.center, Role.COUNTER)
    r = client.post(f"/api/v1/dossiers/{d.pk}/withdraw/", [1, 2], format="json")
    body = problem(r, 400, "validation_failed")
    assert body["message"].startswith("Nội dung phải là một đối tượng JSON")
    r = post(client, d, "dispatch-parallel", {"version": d.version, "tasks": "x"})
    errors = problem(r, 400, "validation_failed")["errors"]
    assert errors[0]["field"] == "tasks" and "Expected" not in errors[0]["message"]
