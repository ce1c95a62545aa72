"""Dossiers through the API: scoping by the token's agency and role (the back office's rule),
authentication, filters, cursor pagination, detail with steps and events."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from motcua.api.clients import TOKEN_PREFIX, api_client_create, api_client_revoke
from motcua.api.models import ApiClient
from motcua.core.errors import ValidationFailed
from motcua.units.models import Role
from tests.api.conftest import problem, receive, receive_commune, token_client
from tests.dossiers.conftest import World


def ids(response: object) -> list[int]:
    return [row["id"] for row in response.json()["results"]]  # type: ignore[attr-defined]


def test_anonymous_gets_401_with_the_scheme_to_use(world: World, anon: APIClient) -> None:
    d = receive(world, "2022-06-01 09:00")
    r = anon.get("/api/v1/dossiers/")
    problem(r, 401, "not_authenticated")
    assert r["WWW-Authenticate"].startswith("Bearer")
    problem(anon.get(f"/api/v1/dossiers/{d.code}/"), 401, "not_authenticated")


def test_a_wrong_or_revoked_token_is_401(world: World) -> None:
    receive(world, "2022-06-01 09:00")
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Bearer mc_abcdef123456_not-the-secret")
    problem(forged.get("/api/v1/dossiers/"), 401, "bad_token")

    issued = api_client_create(name="cong-quoc-gia", agency=world.justice, role=Role.SPECIALIST)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token}")
    assert client.get("/api/v1/dossiers/").status_code == 200
    # right prefix, wrong secret
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token[:-2]}xx")
    problem(wrong.get("/api/v1/dossiers/"), 401, "bad_token")
    api_client_revoke(client=issued.client)
    problem(client.get("/api/v1/dossiers/"), 401, "bad_token")


def test_only_a_hash_of_the_secret_is_stored(world: World) -> None:
    issued = api_client_create(name="he-thong-a", agency=world.justice, role=Role.SPECIALIST)
    # TOKEN_PREFIX, the hex prefix, "_", the secret (url-safe: it may hold "_" itself)
    secret = issued.token[len(TOKEN_PREFIX) :].partition("_")[2]
    assert len(secret) >= 40
    row = ApiClient.objects.get(pk=issued.client.pk)
    assert secret not in row.secret_sha256
    assert len(row.secret_sha256) == 64
    assert not row.user.has_usable_password()


def test_token_of_agency_a_never_sees_agency_b_dossiers(world: World) -> None:
    province = receive(world, "2022-06-01 09:00")  # centre desk → Justice Dept.
    commune = receive_commune(world, "2022-06-01 10:00")  # commune desk → district
    justice = token_client(world.justice, Role.SPECIALIST)
    health = token_client(world.health, Role.SPECIALIST)
    commune_desk = token_client(world.commune_desk, Role.COUNTER)

    assert ids(justice.get("/api/v1/dossiers/")) == [province.pk]
    assert ids(commune_desk.get("/api/v1/dossiers/")) == [commune.pk]
    assert ids(health.get("/api/v1/dossiers/")) == []

    assert justice.get(f"/api/v1/dossiers/{province.code}/").status_code == 200
    problem(justice.get(f"/api/v1/dossiers/{commune.code}/"), 404, "dossier_not_found")
    problem(justice.get(f"/api/v1/dossiers/{commune.pk}/"), 404, "dossier_not_found")
    problem(health.get(f"/api/v1/dossiers/{province.code}/"), 404, "dossier_not_found")


def test_token_sees_exactly_what_a_person_with_the_same_membership_sees(
    world: World,
) -> None:
    receive(world, "2022-06-01 09:00")
    receive_commune(world, "2022-06-01 10:00")
    receive_commune(world, "2022-06-02 10:00")
    # the district leader (a person) through the session, a district-leader token
    person = APIClient()
    person.force_login(world.users["district_leader"])
    token = token_client(world.district_committee, Role.LEADER)
    by_person = ids(person.get("/api/v1/dossiers/"))
    assert len(by_person) == 2
    assert ids(token.get("/api/v1/dossiers/")) == by_person


def test_the_staff_session_authenticates_the_sites_own_pages(world: World) -> None:
    d = receive(world, "2022-06-01 09:00")
    staff = APIClient()
    staff.force_login(world.users["specialist"])
    assert ids(staff.get("/api/v1/dossiers/")) == [d.pk]
    outsider = APIClient()
    outsider.force_login(world.users["outsider"])  # logged in, no membership
    assert ids(outsider.get("/api/v1/dossiers/")) == []


def test_filters_status_agency_and_received_dates(world: World) -> None:
    first = receive(world, "2022-06-01 09:00")
    # received 23:30 local on 2 June is 16:30 UTC: it belongs to 2 June, not 3 June
    late_evening = receive(world, "2022-06-02 23:30")
    third = receive(world, "2022-06-03 08:00")
    centre = token_client(world.center, Role.COUNTER)

    assert ids(centre.get("/api/v1/dossiers/", {"received_from": "2022-06-02"})) == [
        third.pk,
        late_evening.pk,
    ]
    assert ids(
        centre.get(
            "/api/v1/dossiers/", {"received_from": "2022-06-02", "received_to": "2022-06-02"}
        )
    ) == [late_evening.pk]
    assert ids(centre.get("/api/v1/dossiers/", {"received_to": "2022-06-01"})) == [first.pk]
    assert ids(centre.get("/api/v1/dossiers/", {"status": "in_progress"})) == [
        third.pk,
        late_evening.pk,
        first.pk,
    ]
    assert ids(centre.get("/api/v1/dossiers/", {"status": "resolved"})) == []
    assert len(ids(centre.get("/api/v1/dossiers/", {"agency": world.justice.code}))) == 3
    assert ids(centre.get("/api/v1/dossiers/", {"agency": world.health.code})) == []


def test_bad_filter_values_are_400_with_code_and_field(world: World) -> None:
    centre = token_client(world.center, Role.COUNTER)
    body = problem(centre.get("/api/v1/dossiers/", {"status": "lost"}), 400, "bad_parameter")
    assert body["errors"][0]["field"] == "status"
    body = problem(
        centre.get("/api/v1/dossiers/", {"received_from": "2022-13-01"}), 400, "bad_parameter"
    )
    assert body["errors"][0]["field"] == "received_from"
    body = problem(
        centre.get(
            "/api/v1/dossiers/", {"received_from": "2022-06-02", "received_to": "2022-06-01"}
        ),
        400,
        "bad_parameter",
    )
    assert body["errors"][0]["field"] == "received_to"
    problem(centre.get("/api/v1/dossiers/", {"cursor": "not-a-cursor"}), 400, "bad_cursor")


def test_cursor_pagination_is_stable_while_dossiers_arrive(world: World) -> None:
    made = [receive(world, f"2022-06-0{day} 09:00") for day in range(1, 8)]
    expected = [d.pk for d in reversed(made)]  # newest first
    centre = token_client(world.center, Role.COUNTER)
    r = centre.get("/api/v1/dossiers/", {"page_size": 3})
    seen = ids(r)
    assert seen == expected[:3]
    # a new dossier arrives between two page reads: it does not shift the pages already read
    newcomer = receive(world, "2022-06-08 09:00")
    nxt = r.json()["next"]
    while nxt:
        r = centre.get(nxt)
        seen += ids(r)
        nxt = r.json()["next"]
    assert seen == expected
    assert newcomer.pk not in seen
    # reading the first page again now shows the newcomer first
    assert ids(centre.get("/api/v1/dossiers/", {"page_size": 3}))[0] == newcomer.pk


def test_detail_has_steps_and_events(world: World) -> None:
    d = receive(world, "2022-06-01 09:00")
    justice = token_client(world.justice, Role.SPECIALIST)
    by_code = justice.get(f"/api/v1/dossiers/{d.code}/").json()
    by_id = justice.get(f"/api/v1/dossiers/{d.pk}/").json()
    assert by_code == by_id
    assert by_code["code"] == d.code
    assert by_code["procedure"] == "1.000001"
    assert by_code["applicant_name"] == "Nguyễn Văn An"
    assert by_code["receiving_agency"] == {"code": world.center.code, "name": world.center.name}
    steps = d.steps.order_by("order", "id")
    assert [s["id"] for s in by_code["steps"]] == [s.pk for s in steps]
    assert by_code["events"][0]["type"] == "received"
    assert by_code["events"][0]["to_status"] == "in_progress"
    problem(justice.get("/api/v1/dossiers/KHONG-CO/"), 404, "dossier_not_found")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer mc_",
        "Bearer mc_abc",
        "Bearer mc_abc_",
        "Bearer xy_abc_def",
        b"Bearer mc_\xff\xfe_x",
        "Bearer mc_\x00_x",
        "Bearer mc_" + "a" * 5000 + "_x",
    ],
)
def test_malformed_authorization_headers_are_401(world: World, header: str | bytes) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    problem(client.get("/api/v1/dossiers/"), 401, "bad_token")


def test_a_client_name_is_unique(world: World) -> None:
    api_client_create(name="he-thong-d", agency=world.justice, role=Role.SPECIALIST)
    with pytest.raises(ValidationFailed) as exc:
        api_client_create(name="he-thong-d", agency=world.health, role=Role.SPECIALIST)
    assert exc.value.code == "duplicate_client"
    assert ApiClient.objects.filter(name="he-thong-d").count() == 1


def test_read_shapes_built_once_answer_as_a_fresh_build(world: World) -> None:
    """ReadSerializer keeps a class's fields as first built: the answer is the same as DRF's own
    build, and two instances never share a field object (each is bound to its own parent)."""
    from motcua.api import serializers as s

    d = receive(world, "2022-06-01 09:00")
    s._BUILT.clear()
    fresh = s.DossierDetailSerializer(d).data
    assert s.DossierDetailSerializer in s._BUILT and s.StepSerializer in s._BUILT
    kept = s.DossierDetailSerializer(d).data
    assert kept == fresh and kept["steps"] and kept["events"]
    one, two = s.DossierDetailSerializer(d), s.DossierDetailSerializer(d)
    assert one.fields["code"] is not two.fields["code"]
    assert one.fields["code"].parent is one and two.fields["code"].parent is two
    assert one.fields["steps"].child is not two.fields["steps"].child
