"""The period report over the API: the JSON of ``motcua report``, scoped like the dashboard,
with validated period parameters (bad input → 400 with a stable code, never 500)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from motcua.units.models import Role
from tests.api.conftest import problem, receive, receive_commune, token_client
from tests.dossiers.conftest import World

URL = "/api/v1/reports/period/"


@pytest.fixture
def two_dossiers(world: World) -> World:
    receive(world, "2022-06-01 09:00")  # provincial: centre desk, Justice Dept.
    receive_commune(world, "2022-06-02 09:00")  # commune level
    return world


def test_province_administrator_gets_the_whole_province(two_dossiers: World) -> None:
    w = two_dossiers
    admin = token_client(w.center, Role.PROVINCE_ADMIN)
    r = admin.get(URL, {"from": "2022-06-01", "to": "2022-06-30"})
    assert r.status_code == 200
    body = r.json()
    assert body["from"] == "2022-06-01"
    assert body["to"] == "2022-06-30"
    assert body["levels"]["province"]["received_new"] == 1
    assert body["levels"]["commune"]["received_new"] == 1
    assert body["levels"]["total"]["received"] == 2
    assert body["levels"]["total"]["in_progress"] == 2


def test_a_superuser_session_also_gets_the_766_index_and_targets(two_dossiers: World) -> None:
    from tests.factories import UserFactory

    root = APIClient()
    root.force_login(UserFactory(username="quan_tri", is_superuser=True))
    body = root.get(URL, {"from": "2022-06-01", "to": "2022-06-30"}).json()
    assert body["levels"]["total"]["received"] == 2
    assert "index766" in body
    assert body["targets"] == []


def test_a_leader_sees_only_the_figures_of_their_agency(two_dossiers: World) -> None:
    w = two_dossiers
    leader = token_client(w.justice, Role.LEADER)
    body = leader.get(URL, {"from": "2022-06-01", "to": "2022-06-30"}).json()
    assert body["levels"]["total"]["received"] == 1
    assert "commune" not in body["levels"]
    assert "index766" in body  # over the leader's agencies, as on the dashboard
    assert "targets" not in body  # the province's targets are for the province


def test_a_preset_period_is_the_same_as_its_dates(two_dossiers: World) -> None:
    admin = token_client(two_dossiers.center, Role.PROVINCE_ADMIN)
    by_dates = admin.get(URL, {"from": "2022-06-01", "to": "2022-06-30"}).json()
    by_preset = admin.get(URL, {"year": "2022", "kind": "month", "n": "6"}).json()
    assert by_preset["from"] == "2022-06-01"
    assert by_preset["to"] == "2022-06-30"
    assert by_preset == by_dates


def test_a_period_before_any_dossier_counts_nothing(two_dossiers: World) -> None:
    admin = token_client(two_dossiers.center, Role.PROVINCE_ADMIN)
    body = admin.get(URL, {"from": "2022-05-01", "to": "2022-05-31"}).json()
    assert body["levels"] == {}


def test_roles_without_reports_get_403(two_dossiers: World) -> None:
    specialist = token_client(two_dossiers.justice, Role.SPECIALIST)
    problem(
        specialist.get(URL, {"from": "2022-06-01", "to": "2022-06-30"}), 403, "permission_denied"
    )


def test_anonymous_gets_401(two_dossiers: World, anon: APIClient) -> None:
    problem(anon.get(URL, {"from": "2022-06-01", "to": "2022-06-30"}), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({}, "bad_period", "from"),
        ({"from": "2022-06-01"}, "bad_period", ""),
        ({"from": "01/06/2022", "to": "2022-06-30"}, "bad_date", "from"),
        ({"from": "2022-02-30", "to": "2022-06-30"}, "bad_date", "from"),
        ({"from": "0001-01-01", "to": "2022-06-30"}, "out_of_range", ""),
        ({"from": "2022-01-01", "to": "9999-12-31"}, "out_of_range", ""),
        ({"from": "2022-06-30", "to": "2022-06-01"}, "bad_period", ""),
        ({"year": "1999"}, "out_of_range", "year"),
        ({"year": "abc"}, "bad_value", "year"),
        ({"year": "2022", "kind": "week"}, "bad_value", "kind"),
        ({"year": "2022", "kind": "month", "n": "13"}, "out_of_range", "n"),
        ({"from": "2022-06-01", "to": "2022-06-30", "unit": "99999"}, "unknown_unit", "unit"),
    ],
)
def test_bad_period_parameters_are_400_with_a_stable_code(
    two_dossiers: World, params: dict[str, str], code: str, field: str
) -> None:
    admin = token_client(two_dossiers.center, Role.PROVINCE_ADMIN)
    body = problem(admin.get(URL, params), 400, code)
    assert body["errors"][0]["field"] == field


def test_unit_narrows_the_report(two_dossiers: World) -> None:
    admin = token_client(two_dossiers.center, Role.PROVINCE_ADMIN)
    body = admin.get(URL, {"from": "2022-06-01", "to": "2022-06-30", "unit": "25195"}).json()
    assert body["unit"] == "25195"
    assert body["levels"]["total"]["received"] == 1
    assert "province" not in body["levels"]


def test_the_whole_province_report_is_the_json_of_motcua_report(
    two_dossiers: World, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from django.core.management import call_command

    from tests.factories import UserFactory

    call_command("report", "--from", "2022-06-01", "--to", "2022-06-30")
    cli = json.loads(capsys.readouterr().out)
    root = APIClient()
    root.force_login(UserFactory(username="quan_tri_2", superuser=True))
    api = root.get(URL, {"from": "2022-06-01", "to": "2022-06-30"}).json()
    assert api == cli
