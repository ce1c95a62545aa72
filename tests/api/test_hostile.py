"""Hostile input never gets a 500: odd digits, huge ids, NUL characters, wrong methods."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from motcua.units.models import Role
from tests.api.conftest import problem, receive, token_client
from tests.dossiers.conftest import World


@pytest.mark.parametrize(
    "ref", ["²", "99999999999999999999999", "9223372036854775808", "%00", "a%00b", "0"]
)
def test_odd_dossier_references_are_404(world: World, ref: str) -> None:
    receive(world, "2022-06-01 09:00")
    justice = token_client(world.justice, Role.SPECIALIST)
    problem(justice.get(f"/api/v1/dossiers/{ref}/"), 404, "dossier_not_found")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/procedures/%00/",
        "/api/v1/agencies/%00/",
        "/api/v1/units/99999999999999999999999/",
    ],
)
def test_odd_catalog_references_are_404(world: World, anon: APIClient, url: str) -> None:
    r = anon.get(url)
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/procedures/", {"q": "a\x00b"}),
        ("/api/v1/procedures/", {"agency": "\x00"}),
        ("/api/v1/agencies/", {"unit": "\x00"}),
        ("/api/v1/units/", {"parent": "\x00"}),
        ("/api/v1/dossiers/", {"agency": "\x00"}),
    ],
)
def test_nul_characters_in_parameters_are_400(
    world: World, url: str, params: dict[str, str]
) -> None:
    client = token_client(world.center, Role.COUNTER)
    problem(client.get(url, params), 400, "bad_parameter")


def test_nul_in_report_unit_is_400(world: World) -> None:
    admin = token_client(world.center, Role.PROVINCE_ADMIN)
    r = admin.get(
        "/api/v1/reports/period/", {"from": "2022-01-01", "to": "2022-01-31", "unit": "\x00"}
    )
    problem(r, 400, "unknown_unit")


def test_wrong_method_is_405_with_code(world: World) -> None:
    client = token_client(world.center, Role.COUNTER)
    problem(client.delete("/api/v1/dossiers/"), 405, "method_not_allowed")
    problem(client.put("/api/v1/procedures/", {}, format="json"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "path", ["/api/v1/khong-co/", "/api/v1/units/U%0Ax/", "/api/v1/units/%0A/", "/api/%0A"]
)
def test_unknown_api_path_is_a_problem_not_an_html_page(
    world: World, anon: APIClient, path: str
) -> None:
    problem(anon.get(path), 404, "not_found")


def test_nul_in_a_created_dossier_is_400(world: World) -> None:
    desk = token_client(world.center, Role.COUNTER)
    data = {
        "procedure": "1.000001\x00",
        "desk": world.center.code,
        "applicant": {"name": "A\x00", "id_number": "079123456789"},
    }
    r = desk.post("/api/v1/dossiers/", data, format="json", HTTP_IDEMPOTENCY_KEY="k")
    problem(r, 400, "validation_failed")


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/procedures/", {"offset": str(10**20), "limit": "5"}),
        ("/api/v1/procedures/", {"offset": "-3", "limit": "-5"}),
        ("/api/v1/units/", {"offset": "9223372036854775807"}),
        ("/api/v1/dossiers/", {"page_size": str(10**30)}),
        ("/api/v1/dossiers/", {"page_size": "-1"}),
    ],
)
def test_absurd_paging_values_never_fail(world: World, url: str, params: dict[str, str]) -> None:
    receive(world, "2022-06-01 09:00")
    client = token_client(world.center, Role.COUNTER)
    r = client.get(url, params)
    assert r.status_code == 200, r.content
    assert isinstance(r.json()["results"], list)


DEEP = '{"a":' * 5000 + "1" + "}" * 5000  # 30 KB: deeper than Python's JSON parser recurses


def test_json_nested_too_deep_is_400_bad_json_not_500(world: World, anon: APIClient) -> None:
    """Found by a probe: DRF's parser turns only ValueError into 'bad JSON'; the RecursionError
    of a deep body escaped as a 500 — on the public look-up, without a login."""
    problem(anon.post("/api/v1/lookup/", DEEP, content_type="application/json"), 400, "bad_json")
    problem(
        anon.post(
            "/api/v1/lookup/", "[" * 100_000 + "]" * 100_000, content_type="application/json"
        ),
        400,
        "bad_json",
    )
    desk = token_client(world.center, Role.COUNTER)
    r = desk.post(
        "/api/v1/dossiers/", DEEP, content_type="application/json", HTTP_IDEMPOTENCY_KEY="deep"
    )
    problem(r, 400, "bad_json")
    d = receive(world, "2022-06-01 09:00")
    r = desk.post(f"/api/v1/dossiers/{d.pk}/withdraw/", DEEP, content_type="application/json")
    problem(r, 400, "bad_json")


@pytest.mark.parametrize("position", ["2022-01-01", "1e3", "\x00", "²", "-1", "9" * 19])
def test_forged_cursor_position_is_400_bad_cursor(world: World, position: str) -> None:
    """Found by a probe: DRF decodes any text as a cursor's position; ours is an id."""
    import base64
    from urllib.parse import urlencode

    receive(world, "2022-06-01 09:00")
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    centre = token_client(world.center, Role.COUNTER)
    problem(centre.get("/api/v1/dossiers/", {"cursor": cursor}), 400, "bad_cursor")
    # a position the server made itself still pages
    cursor = base64.b64encode(urlencode({"p": "999999"}).encode()).decode()
    assert centre.get("/api/v1/dossiers/", {"cursor": cursor}).status_code == 200


def test_validation_messages_of_the_framework_are_vietnamese(world: World) -> None:
    """Found by a probe: DRF's own messages came in English (its Vietnamese catalog has 21
    strings); ours (locale/vi) translates the ones a caller meets."""
    centre = token_client(world.center, Role.COUNTER)
    body = problem(centre.get("/api/v1/dossiers/", {"status": "abc"}), 400, "bad_parameter")
    assert "không phải là một lựa chọn hợp lệ" in body["errors"][0]["message"]
    body = problem(centre.get("/api/v1/dossiers/", {"agency": "x" * 5000}), 400, "bad_parameter")
    assert "không được dài quá" in body["errors"][0]["message"]
    r = centre.post("/api/v1/dossiers/", [1], format="json", HTTP_IDEMPOTENCY_KEY="list")
    assert r.status_code == 400
    text = str(r.json())
    assert "Cần một đối tượng JSON" in text and "Expected" not in text


def test_too_many_query_parameters_are_a_400_problem(world: World, anon: APIClient) -> None:
    """Over DATA_UPLOAD_MAX_NUMBER_FIELDS Django raises TooManyFieldsSent when DRF reads the
    query: it escaped the API's handler and came back as the HTML 400 page."""
    many = "&".join(f"a{i}=1" for i in range(1500))
    body = problem(anon.get(f"/api/v1/procedures/?{many}"), 400, "too_many_fields")
    assert not body["message"].isascii()
