"""Dossiers filed on the national portal arrive through POST /api/v1/portal/dossiers/: only the
national portal's kind of token, idempotent by the portal's id, into the online queue."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from motcua.api.clients import api_client_create
from motcua.dossiers.models import Channel, Document, Dossier, Outbox, Status
from motcua.integrations.models import PortalInbound
from motcua.units.models import Role
from tests.api.conftest import problem, token_client
from tests.api.scenarios import pdf_bytes
from tests.dossiers.conftest import World

URL = "/api/v1/portal/dossiers/"


def portal_client(w: World, role: str = Role.PROVINCE_ADMIN, agency: Any = None) -> APIClient:
    issued = api_client_create(
        name=f"Cổng DVC quốc gia {role}",
        agency=agency or w.center,
        role=role,
        kind="national_portal",
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token}")
    return client


def body(w: World, **over: Any) -> dict[str, Any]:
    data = {
        "national_id": "G22.99-241129-000123",
        "procedure": w.simple.code,
        "desk": w.center.code,
        "applicant": {
            "name": "Trần Thị Bình",
            "id_number": "070123456780",
            "email": "b@example.vn",
        },
        "request": "Đề nghị cấp bản sao",
        "files": [
            {
                "document": "Đơn đề nghị",
                "name": "don.pdf",
                "content_base64": base64.b64encode(pdf_bytes()).decode(),
            }
        ],
    }
    data.update(over)
    return data


def test_a_national_dossier_lands_in_the_online_queue_once(world: World) -> None:
    client = portal_client(world)
    sent = body(world)  # (a PDF made twice differs: its creation date)
    r = client.post(URL, sent, format="json")
    assert r.status_code == 201, r.content
    out = r.json()
    d = Dossier.objects.get(pk=out["dossier"]["id"])
    assert out["national_id"] == "G22.99-241129-000123"
    assert (d.status, d.channel, d.receiving_agency) == (
        Status.SUBMITTED,
        Channel.ONLINE,
        world.center,
    )
    assert d.applicant_name == "Trần Thị Bình" and d.code is None
    assert Document.objects.get(dossier=d).name == "don.pdf"
    assert PortalInbound.objects.get(national_id="G22.99-241129-000123").dossier == d
    # the retry (the portal did not get our answer) is the same dossier, nothing new
    again = client.post(URL, sent, format="json")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["dossier"]["id"] == d.pk
    assert Dossier.objects.count() == 1
    # the same id with another content is refused
    other = {**sent, "request": "Nội dung khác"}
    problem(client.post(URL, other, format="json"), 409, "national_id_reused")
    assert Dossier.objects.count() == 1
    # the outbound sync message names the portal's id (read at delivery time)
    from motcua.integrations.models import PortalDelivery
    from motcua.integrations.portal import message

    row = Outbox.objects.get(topic="portal.sync", dossier=d)
    sent = message(row, PortalDelivery.objects.create(outbox=row, dossier=d))
    assert sent["national_id"] == "G22.99-241129-000123" and sent["event"] == "submitted"


def test_the_desk_then_accepts_it_as_any_online_dossier(world: World) -> None:
    r = portal_client(world).post(URL, body(world), format="json")
    d = Dossier.objects.get(pk=r.json()["dossier"]["id"])
    desk = token_client(world.center, Role.COUNTER)
    accepted = desk.post(
        f"/api/v1/dossiers/{d.pk}/accept-online/", {"version": d.version}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == Status.IN_PROGRESS


def test_only_the_national_portals_kind_of_token(world: World, anon: APIClient) -> None:
    ordinary = token_client(world.center, Role.COUNTER)  # kind "system"
    problem(ordinary.post(URL, body(world), format="json"), 403, "not_national_portal")
    problem(anon.post(URL, body(world), format="json"), 401, "not_authenticated")
    # a national-portal token bound to the district cannot file at the province's desk
    district = portal_client(world, Role.PROVINCE_ADMIN, world.district_committee)
    problem(district.post(URL, body(world), format="json"), 403, "permission_denied")
    assert not Dossier.objects.exists()


BAD = [
    ({"national_id": ""}, "national_id"),
    ({"national_id": "có dấu"}, "national_id"),
    ({"national_id": "x" * 65}, "national_id"),
    ({"national_id": "a\x00b"}, "national_id"),
    ({"procedure": "9.999999"}, "procedure"),
    ({"desk": "000.99.99.H10"}, "desk"),
    ({"applicant": {"name": "A", "id_number": "12"}}, "applicant"),
    ({"applicant": "Nguyễn Văn A"}, "applicant"),
    (
        {"files": [{"document": "x", "name": "a.pdf", "content_base64": "***"}]},
        "files.0.content_base64",
    ),
    (
        {
            "files": [
                {
                    "document": "x",
                    "name": "a.exe",
                    "content_base64": base64.b64encode(b"MZ").decode(),
                }
            ]
        },
        "files.0.content_base64",
    ),
    (
        {
            "files": [copy.deepcopy({"document": "x", "name": "a.pdf", "content_base64": "QQ=="})]
            * 11
        },
        "files",
    ),
]


@pytest.mark.parametrize(("over", "field"), BAD)
def test_hostile_bodies_are_400_naming_the_field(
    world: World, over: dict[str, Any], field: str
) -> None:
    r = portal_client(world).post(URL, body(world, **over), format="json")
    assert r.status_code == 400, r.content
    errors = r.json()["errors"]
    assert any(e["field"] == field or e["field"].startswith(field + ".") for e in errors), errors
    assert not Dossier.objects.exists() and not PortalInbound.objects.exists()


def test_wrong_media_type_and_broken_json(world: World) -> None:
    client = portal_client(world)
    problem(
        client.post(URL, "national_id=x", content_type="text/plain"), 415, "unsupported_media_type"
    )
    problem(client.post(URL, '{"national_id": ', content_type="application/json"), 400, "bad_json")
    problem(client.post(URL, [1, 2], format="json"), 400, "validation_failed")
    assert not Dossier.objects.exists()


def test_the_command_issues_a_national_portal_token(world: World) -> None:
    import io

    from django.core.management import call_command

    from motcua.api.models import ApiClient

    out = io.StringIO()
    call_command(
        "api_client",
        "create",
        "--name",
        "Cổng DVC quốc gia",
        "--agency",
        world.center.code,
        "--role",
        Role.PROVINCE_ADMIN,
        "--kind",
        "national_portal",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert ApiClient.objects.get(name="Cổng DVC quốc gia").kind == "national_portal"
    with pytest.raises(SystemExit):
        call_command(
            "api_client",
            "create",
            "--name",
            "x",
            "--agency",
            world.center.code,
            "--role",
            Role.COUNTER,
            "--kind",
            "khong-co",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not ApiClient.objects.filter(name="x").exists()


def test_nested_applicant_errors_are_in_vietnamese(world: World) -> None:
    r = portal_client(world).post(
        URL, body(world, applicant={"id_number": "x" * 30}), format="json"
    )
    errors = problem(r, 400, "validation_failed")["errors"]
    fields = {e["field"]: e["message"] for e in errors}
    assert set(fields) == {"applicant.name", "applicant.id_number"}
    assert all("This field" not in m and "Ensure" not in m for m in fields.values()), fields


def test_an_unknown_field_holding_a_lone_surrogate_is_ignored_not_a_500(world: World) -> None:
    """Unknown fields are ignored; one holding a lone surrogate (\\ud800, valid JSON) too: the
    digest of the body (national_id's idempotency) is computed all the same."""
    import json

    client = portal_client(world)
    raw = json.dumps({**body(world), "x\ud800": "\udfff"})
    first = client.post(URL, raw, content_type="application/json")
    assert first.status_code == 201, first.content
    again = client.post(URL, raw, content_type="application/json")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1


def test_a_national_id_of_the_wrong_characters_is_refused_in_vietnamese(world: World) -> None:
    r = portal_client(world).post(URL, body(world, national_id="G22 99"), format="json")
    found = problem(r, 400, "validation_failed")
    assert found["errors"][0]["field"] == "national_id"
    assert not found["message"].isascii(), found["message"]


@pytest.mark.parametrize("raw", ["null", "[1, 2]", '"chuoi"'])
def test_a_body_that_is_no_object_is_told_in_vietnamese(world: World, raw: str) -> None:
    """The fourth probe: a body of null was answered ": No data provided" (DRF's English, after
    an empty field name)."""
    r = portal_client(world).post(URL, raw, content_type="application/json")
    body = problem(r, 400, "validation_failed")
    assert not body["message"].startswith(":") and "No data" not in body["message"], body
    assert all("No data" not in e["message"] for e in body.get("errors", [])), body
    assert not Dossier.objects.exists()
