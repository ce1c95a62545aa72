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
def token(world: World) -> str:
    receive(world, "2022-06-01 09:00")
    receive_commune(world, "2022-06-02 09:00")
    return api_client_create(name="fuzz", agency=world.center, role=Role.PROVINCE_ADMIN).token


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_every_operation_conforms_and_never_fails(api_schema: Any, token: str) -> None:
    # Driven by hand rather than with schemathesis' pytest plugin (its lazy fixtures do not
    # work with pytest 9): one bounded hypothesis run per operation, valid and invalid data.
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 11  # 10 + the portal's POST /api/v1/lookup/
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "15")),
                # the suite's run is reproducible; a deeper run (MOTCUA_FUZZ_EXAMPLES) explores
                derandomize="MOTCUA_FUZZ_EXAMPLES" not in os.environ,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # no invalid input exists for this operation (e.g. any string is a valid code)
                assert mode is GenerationMode.NEGATIVE
