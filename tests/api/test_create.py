"""Dossier creation from a partner system: the back office's validation, and retries made safe
by the Idempotency-Key header (same key + same body → same dossier; other body → 409)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from motcua.dossiers.models import Dossier, Status
from motcua.units.models import Role
from tests.api.conftest import problem, token_client
from tests.dossiers.conftest import World

URL = "/api/v1/dossiers/"


def body(w: World, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "procedure": w.simple.code,
        "desk": w.center.code,
        "applicant": {
            "name": "Trần Thị Bình",
            "id_number": "079123456789",
            "phone": "0987654321",
            "email": "binh@example.vn",
            "address": "Đồng Xoài, Bình Phước",
        },
        "request": "Đề nghị thành lập văn phòng công chứng",
        "documents": [{"order": 1, "submitted": True}],
    }
    data.update(over)
    return data


def post(client: APIClient, data: dict[str, Any], key: str | None = "k-1") -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, data, format="json", **headers)


@pytest.fixture
def desk(world: World) -> APIClient:
    return token_client(world.center, Role.COUNTER, "he-thong-quay")


def test_counter_create_receives_the_dossier_like_the_counter_page(
    world: World, desk: APIClient
) -> None:
    r = post(desk, body(world))
    assert r.status_code == 201, r.content
    d = Dossier.objects.get()
    out = r.json()
    assert out["id"] == d.pk
    assert out["code"] == d.code
    assert out["code"].startswith(world.center.code + "-")
    assert out["status"] == Status.IN_PROGRESS
    assert out["applicant_name"] == "Trần Thị Bình"
    assert out["processing_agency"]["code"] == world.justice.code
    assert r["Location"] == f"/api/v1/dossiers/{d.code}/"
    assert "Idempotent-Replayed" not in r
    # the checklist is the catalog's, the optional document not given is "not submitted"
    assert list(d.checklist.order_by("order").values_list("name", "submitted")) == [
        ("Đơn đề nghị thành lập", True),
        ("Đề án thành lập", False),
    ]
    assert d.events.get(type="received").actor.api_client.name == "he-thong-quay"


def test_same_key_same_body_returns_the_same_dossier(world: World, desk: APIClient) -> None:
    first = post(desk, body(world), key="ma-gui-7")
    again = post(desk, body(world), key="ma-gui-7")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Dossier.objects.count() == 1


def test_same_key_other_body_is_409_and_creates_nothing(world: World, desk: APIClient) -> None:
    post(desk, body(world), key="ma-gui-8")
    other = body(world, request="Một yêu cầu khác")
    problem(post(desk, other, key="ma-gui-8"), 409, "idempotency_key_reused")
    assert Dossier.objects.count() == 1


def test_a_key_belongs_to_its_client(world: World, desk: APIClient) -> None:
    other_desk = token_client(world.center, Role.COUNTER, "he-thong-khac")
    a = post(desk, body(world), key="chung")
    b = post(other_desk, body(world), key="chung")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


@pytest.mark.parametrize("key", [None, "", "x" * 201, "khóa-có-dấu"])
def test_missing_or_bad_key_is_400_and_creates_nothing(
    world: World, desk: APIClient, key: str | None
) -> None:
    code = "idempotency_key_required" if not key else "bad_idempotency_key"
    problem(post(desk, body(world), key=key), 400, code)
    assert Dossier.objects.count() == 0


def test_incomplete_dossier_is_refused_and_the_key_stays_free(
    world: World, desk: APIClient
) -> None:
    incomplete = body(world, documents=[{"order": 2, "submitted": True}])
    problem(post(desk, incomplete, key="k-9"), 400, "incomplete_dossier")
    assert Dossier.objects.count() == 0
    # the corrected request with the same key goes through
    assert post(desk, body(world), key="k-9").status_code == 201


@pytest.mark.parametrize(
    ("over", "status", "code"),
    [
        ({"applicant": {"name": "An", "id_number": "12345"}}, 400, "bad_applicant"),
        ({"applicant": {"id_number": "079123456789"}}, 400, "validation_failed"),
        ({"procedure": "9.999999"}, 400, "unknown_procedure"),
        ({"desk": "000.99.99.H10"}, 400, "unknown_agency"),
        ({"documents": [{"order": 7}]}, 400, "unknown_document"),
        ({"documents": [{"order": 1}, {"order": 1}]}, 400, "validation_failed"),
        ({"channel": "fax"}, 400, "validation_failed"),
        ({"sets": 0}, 400, "validation_failed"),
        # the commune procedure is not performed at the provincial centre
        ({"procedure": "2.000003"}, 400, "procedure_wrong_level"),
    ],
)
def test_bad_bodies_are_refused_with_the_back_office_codes(
    world: World, desk: APIClient, over: dict[str, Any], status: int, code: str
) -> None:
    problem(post(desk, body(world, **over)), status, code)
    assert Dossier.objects.count() == 0


def test_validation_errors_name_the_field(world: World, desk: APIClient) -> None:
    r = post(desk, body(world, applicant={"id_number": "079123456789"}))
    fields = [e["field"] for e in problem(r, 400, "validation_failed")["errors"]]
    assert fields == ["applicant.name"]


def test_only_the_desks_counter_role_may_receive(world: World) -> None:
    specialist = token_client(world.justice, Role.SPECIALIST)
    problem(post(specialist, body(world)), 403, "permission_denied")
    other_desk = token_client(world.district_desk, Role.COUNTER)
    problem(post(other_desk, body(world)), 403, "permission_denied")
    assert Dossier.objects.count() == 0


def test_anonymous_cannot_create(world: World, anon: APIClient) -> None:
    problem(post(anon, body(world)), 401, "not_authenticated")
    assert Dossier.objects.count() == 0


def test_online_submission_waits_in_the_desks_queue(world: World, desk: APIClient) -> None:
    r = post(desk, body(world, channel="online", documents=[]))
    assert r.status_code == 201, r.content
    d = Dossier.objects.get()
    assert d.status == Status.SUBMITTED
    assert d.channel == "online"
    assert d.received_at is None
    assert r.json()["code"] is None
    assert r["Location"] == f"/api/v1/dossiers/{d.pk}/"
    # the 201's body is built from what the service wrote (not read back): what a GET answers
    stored = desk.get(r["Location"])
    assert stored.status_code == 200
    assert r.json() == stored.json()
    assert r.json()["events"] and r.json()["steps"] == []


def test_not_json_is_415_with_code(world: World, desk: APIClient) -> None:
    r = desk.post(
        URL,
        "procedure=1",
        content_type="application/x-www-form-urlencoded",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    problem(r, 415, "unsupported_media_type")
    r = desk.post(URL, "{not json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    problem(r, 400, "bad_json")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers; the parallel test runs on PostgreSQL (CI's second run)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_create_one_dossier(world: World) -> None:
    desk = token_client(world.center, Role.COUNTER, "he-thong-song-song")
    n = 6
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = post(desk, body(world), key="cung-mot-khoa")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [r.status_code for r in results] == [201] * n
    assert len({r.json()["id"] for r in results}) == 1
    assert Dossier.objects.count() == 1


def test_a_session_post_without_csrf_token_is_403_csrf_failed(world: World) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(world.users["counter"])
    problem(post(browser, body(world)), 403, "csrf_failed")
    assert Dossier.objects.count() == 0


def test_a_session_post_with_csrf_token_creates(world: World) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(world.users["counter"])
    browser.get("/dang-nhap/")  # the site's own page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    r = browser.post(
        URL, body(world), format="json", HTTP_IDEMPOTENCY_KEY="k", HTTP_X_CSRFTOKEN=token
    )
    assert r.status_code == 201, r.content


@pytest.mark.parametrize(
    ("over", "code", "field", "message_part"),
    [
        ({"applicant": {"name": "An", "id_number": "12345"}}, "bad_applicant", "applicant", "12"),
        ({"documents": []}, "incomplete_dossier", "documents", "Đơn đề nghị thành lập"),
        ({"procedure": "2.000003"}, "procedure_wrong_level", "procedure", "2.000003"),
        ({"procedure": "9.999999"}, "unknown_procedure", "procedure", "9.999999"),
        ({"documents": [{"order": 7}]}, "unknown_document", "documents", "7"),
    ],
)
def test_service_refusals_name_the_field(
    world: World, desk: APIClient, over: dict[str, Any], code: str, field: str, message_part: str
) -> None:
    errors = problem(post(desk, body(world, **over)), 400, code)["errors"]
    assert errors
    for e in errors:
        assert set(e) == {"field", "code", "message"}
        assert e["field"] == field
        assert e["code"] == code
    assert any(message_part in e["message"] for e in errors)


def test_an_unknown_field_holding_a_lone_surrogate_is_ignored_not_a_500(
    world: World, desk: APIClient
) -> None:
    """JSON may carry a lone surrogate (\\ud800): in a field of ours it is refused (Vietnamese),
    in an unknown one ignored like any unknown field — the body's digest (Idempotency-Key)
    is computed all the same, and the retry is still recognised."""
    import json

    raw = json.dumps({**body(world), "ghi_chu_rieng": "\ud800"})
    sent = [
        desk.post(URL, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-s")
        for _ in range(2)
    ]
    assert [r.status_code for r in sent] == [201, 201], sent[0].content
    assert sent[1]["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1
    r = desk.post(
        URL,
        json.dumps({**body(world), "request": "A\ud800"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-t",
    )
    assert r.status_code == 400
    assert not r.json()["message"].isascii()


@pytest.mark.parametrize("hour", [9, 16])  # by day: one event; after the cut-off: a hand-over too
def test_the_created_answer_is_the_detail_as_stored(
    world: World, desk: APIClient, hour: int
) -> None:
    """The 201's body is built from the dossier the service returned, not read back: it must
    be exactly what a GET of the stored dossier answers (steps, events, agencies, times)."""
    import datetime as dt

    import time_machine

    at = dt.datetime(2026, 12, 1, hour, 5, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with time_machine.travel(at, tick=False):
        r = post(desk, body(world))
        assert r.status_code == 201, r.content
        stored = desk.get(r["Location"])
    assert stored.status_code == 200
    created = r.json()
    assert created == stored.json()
    assert len(created["steps"]) >= 2 and created["events"]
    assert len(created["events"]) == (2 if hour == 16 else 1)
