"""Property-based run of every operation of the published schema (schemathesis): no 5xx, and
every response — status, content type and body — matches what the schema says.

Examples are bounded (the suite runs on a shared 2-core machine); the data is the small
province of tests/dossiers with two dossiers, and the caller a province administrator's token.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.api.clients import api_client_create
from motcua.dossiers import services as svc
from motcua.units.models import Role
from tests.api.conftest import receive, receive_commune
from tests.dossiers.conftest import World


@pytest.fixture
def api_schema(world: World) -> Iterator[Any]:
    from motcua.config.wsgi import application

    # as Django's test client does: requests must not close the test's database connection
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def dossiers(world: World) -> None:
    receive(world, "2022-06-01 09:00")
    receive_commune(world, "2022-06-02 09:00")
    # one the desk can still act on at the real clock (accept, refuse, return for completion)
    svc.dossier_submit_online(
        applicant=world.intake().applicant, procedure=world.simple, desk=world.center
    )


@pytest.fixture
def token(world: World, dossiers: None) -> str:
    return api_client_create(name="fuzz", agency=world.center, role=Role.PROVINCE_ADMIN).token


@pytest.fixture
def desk_token(world: World, dossiers: None) -> str:
    """The desk's counter role: lifecycle actions reach the services (not only 403)."""
    return api_client_create(name="fuzz-desk", agency=world.center, role=Role.COUNTER).token


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.slow(seconds=23)  # its file is scheduled first (tests/conftest.py)
def test_every_operation_conforms_and_never_fails(
    api_schema: Any, token: str, desk_token: str
) -> None:
    # Driven by hand rather than with schemathesis' pytest plugin (its lazy fixtures do not
    # work with pytest 9): one bounded hypothesis run per operation, valid and invalid data.
    # The 18 lifecycle actions share one view and one error path: fewer examples each keep
    # the run near a minute on the shared machine (MOTCUA_FUZZ_EXAMPLES raises both).
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 31  # 29 + the portal's POST /api/v1/lookup/ + verify-applicant
    deep = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "15"))
    for operation in operations:
        is_action = operation.path.startswith("/api/v1/dossiers/{ref}/")
        headers = {"Authorization": f"Bearer {desk_token if is_action else token}"}
        examples = max(3, deep // 3) if is_action else deep
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _runner(operation, mode, headers, examples)()
            except Unsatisfiable:
                # no invalid input exists for this operation (e.g. any string is a valid code)
                assert mode is GenerationMode.NEGATIVE


def test_stateful_walk_from_the_list_to_a_dossier_and_its_actions(
    api_schema: Any, desk_token: str
) -> None:
    """The schema's links (api.links) lead from the dossier list to a dossier and from a
    dossier to its actions with its id and current version: schemathesis walks them as
    sequences of real calls, each checked as above (the dossier operations only, bounded)."""
    headers = {"Authorization": f"Bearer {desk_token}"}
    machine = api_schema.include(path_regex=r"^/api/v1/dossiers/").as_state_machine()
    seen: list[tuple[str, str, int]] = []

    class Walk(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            seen.append((case.method, case.operation.path, response.status_code))
            case.validate_response(response, checks=CHECKS)

    Walk.run(
        settings=settings(
            max_examples=int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "8")),
            stateful_step_count=50,
            derandomize="MOTCUA_FUZZ_EXAMPLES" not in os.environ,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # the walk ran and checked every response it got (which links hypothesis follows depends on
    # its choices); the links themselves are followed deterministically below
    assert ("GET", "/api/v1/dossiers/", 200) in seen and len(seen) > 20


def test_the_published_links_lead_from_the_list_to_a_dossier_and_its_actions(
    api_schema: Any, desk_token: str
) -> None:
    """Follow the schema's links by hand, as a client reading them would: the list's
    ``first_dossier`` names the detail operation and where its ``ref`` comes from; the detail's
    links name every action with the dossier's id and current version."""
    from django.test import Client

    raw = api_schema.raw_schema
    paths = raw["paths"]
    ops = {
        op["operationId"]: (path, method)
        for path, item in paths.items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    client = Client(HTTP_AUTHORIZATION=f"Bearer {desk_token}")
    listing = client.get("/api/v1/dossiers/").json()
    link = paths["/api/v1/dossiers/"]["get"]["responses"]["200"]["links"]["first_dossier"]
    assert link["parameters"] == {"path.ref": "$response.body#/results/0/id"}
    detail_path, _ = ops[link["operationId"]]
    ref = listing["results"][0]["id"]
    r = client.get(detail_path.replace("{ref}", str(ref)))
    assert r.status_code == 200
    dossier = r.json()
    actions = paths[detail_path]["get"]["responses"]["200"]["links"]
    assert len(actions) >= 17
    reached = []
    for name, action in actions.items():
        path, method = ops[action["operationId"]]
        assert method == "post" and path.startswith(detail_path)
        values = {
            "$response.body#/id": dossier["id"],
            "$response.body#/version": dossier["version"],
        }
        params = {k: values[v] for k, v in action.get("parameters", {}).items()}
        body = {k: values[v] for k, v in (action.get("requestBody") or {}).items()}
        url = path.replace("{ref}", str(params.get("path.ref", dossier["id"])))
        resp = client.post(url, body, content_type="application/json")
        assert resp.status_code != 404, (name, resp.status_code)  # the link found the dossier
        assert resp.status_code < 500, (name, resp.status_code)
        reached.append(name)
    assert reached


def _runner(operation: Any, mode: Any, headers: dict[str, str], examples: int) -> Any:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        # the suite's run is reproducible; a deeper run (MOTCUA_FUZZ_EXAMPLES) explores
        derandomize="MOTCUA_FUZZ_EXAMPLES" not in os.environ,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run
