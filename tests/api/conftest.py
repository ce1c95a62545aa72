"""The API tests use the small province of tests/dossiers (real database, real services)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from motcua.api.clients import api_client_create
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.units.models import Agency
from tests.dossiers.conftest import World, at, world  # noqa: F401  (the fixture)


def token_client(agency: Agency, role: str, name: str | None = None) -> APIClient:
    issued = api_client_create(name=name or f"{agency.code}-{role}", agency=agency, role=role)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token}")
    return client


def receive(w: World, when: str, **over: Any) -> Dossier:
    """A dossier received at the provincial Service Center (processed by the Justice Dept.)."""
    return dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(**over), now=at(when)
    )


def receive_commune(w: World, when: str) -> Dossier:
    """An inter-level dossier received at the commune desk (then the district)."""
    return dossier_receive(
        actor=w.users["commune_counter"],
        desk=w.commune_desk,
        intake=w.intake(w.inter),
        now=at(when),
    )


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """Asserts an RFC 9457 problem with our stable code and a message; returns the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    assert body["message"] and body["detail"] == body["message"]
    return body


@pytest.fixture
def anon() -> APIClient:
    return APIClient()
