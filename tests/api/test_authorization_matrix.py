"""The authorization matrix: every role × every lifecycle action × where the actor sits, through
the API (a token with that one membership) and through the back office (a person with it).

The table is generated from each action's rule (``scenarios.CASES``: its home agency and the
roles allowed there, and at the dossier's partner agency) and the visibility rule:

- own agency (the action's home): allowed for the action's roles, else 403 (it sees the dossier);
- partner (another agency of the same dossier): allowed for the partner roles, else 403;
- other agency (an unrelated department of the same province): 404 — it does not see the
  dossier — except the province administrator, who sees the whole province: 403;
- other level (a district agency): 404 (a district's administrator sees its district only).

Both doors must answer exactly as the table says: one access implementation behind both.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from motcua.dossiers.models import Dossier
from motcua.units.models import Agency, Membership, Role
from tests.api import scenarios as sc
from tests.api.conftest import token_client
from tests.dossiers.conftest import World
from tests.factories import UserFactory

ROLES = [r.value for r in Role]
PLACES = ["own", "partner", "other_agency", "other_level"]
OK, FORBIDDEN, NOT_FOUND = "ok", 403, 404


def expected(case: sc.Case, role: str, place: str) -> str | int:
    if place == "own":
        return OK if role in case.roles else FORBIDDEN
    if place == "partner":
        return OK if role in case.partner_roles else FORBIDDEN
    if place == "other_agency":
        return FORBIDDEN if role == Role.PROVINCE_ADMIN else NOT_FOUND
    return NOT_FOUND


TABLE = {
    (case.api, role, place): expected(case, role, place)
    for case in sc.CASES
    for role in ROLES
    for place in PLACES
}


def test_the_table_covers_every_action_role_and_place() -> None:
    from motcua.api.actions import ACTIONS
    from motcua.backoffice.views.dossier import ACTIONS as OFFICE

    assert {c.api for c in sc.CASES} == {a.slug for a in ACTIONS}
    # every back-office action that changes a dossier's lifecycle is in the table (intake and
    # scanning are the desk's own pages, tested in tests/backoffice)
    assert {c.office for c in sc.CASES if c.office} == set(OFFICE) - {
        "attach_scan",
        "receive_completed",
    }
    assert len(TABLE) == len(sc.CASES) * len(ROLES) * len(PLACES)
    # the table is not trivially uniform: each answer occurs
    assert {OK, FORBIDDEN, NOT_FOUND} == set(TABLE.values())


def _places(w: World, case: sc.Case) -> dict[str, Agency]:
    construction = Agency.objects.create(
        code="000.00.20.H10", name="Sở Xây dựng", kind="so_nganh", level=1, unit=w.province
    )
    return {
        "own": sc.agency(w, case.home),
        "partner": sc.agency(w, case.partner),
        "other_agency": construction,
        "other_level": w.district_committee,
    }


def _attempt(call: Any, d: Dossier) -> tuple[int, bool]:
    """(status, changed) of one call, rolled back so that the next actor meets the same state."""
    sid = transaction.savepoint()
    try:
        before = Dossier.objects.get(pk=d.pk).version
        response = call()
        changed = (
            Dossier.objects.get(pk=d.pk).version != before
            or d.__class__.objects.filter(pk=d.pk, rating__isnull=False).exists()
        )
        return response.status_code, changed
    finally:
        transaction.savepoint_rollback(sid)


def _verdict(status: int, changed: bool, success: int) -> str | int:
    if status == success and changed:
        return OK
    return status


@pytest.mark.parametrize("case", sc.CASES, ids=lambda c: c.api)
def test_api_answers_as_the_table_says(world: World, case: sc.Case) -> None:
    d = case.state(world)
    places = _places(world, case)
    clients: dict[tuple[str, str], APIClient] = {
        (role, place): token_client(agency, role, name=f"{role}@{place}")
        for role in ROLES
        for place, agency in places.items()
    }
    got = {}
    for (role, place), client in clients.items():
        fmt = "multipart" if case.multipart else "json"

        def call(client: APIClient = client, fmt: str = fmt) -> Any:
            return client.post(
                f"/api/v1/dossiers/{d.pk}/{case.api}/", case.body(world, d), format=fmt
            )

        got[(case.api, role, place)] = _verdict(*_attempt(call, d), success=200)
    want = {k: v for k, v in TABLE.items() if k[0] == case.api}
    assert got == want, {k: (got[k], want[k]) for k in want if got[k] != want[k]}


def _person(agency: Agency, role: str) -> User:
    user: User = UserFactory()
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.mark.parametrize("case", [c for c in sc.CASES if c.office], ids=lambda c: c.api)
def test_back_office_answers_as_the_table_says(world: World, case: sc.Case) -> None:
    d = case.state(world)
    places = _places(world, case)
    got = {}
    for role in ROLES:
        for place, agency in places.items():
            browser = Client()
            browser.force_login(_person(agency, role))

            def call(browser: Client = browser) -> Any:
                return browser.post(
                    f"/can-bo/ho-so/{d.pk}/thao-tac/{case.office}/",
                    case.form(world, d),  # type: ignore[misc]
                )

            got[(case.api, role, place)] = _verdict(*_attempt(call, d), success=302)
    want = {k: v for k, v in TABLE.items() if k[0] == case.api}
    assert got == want, {k: (got[k], want[k]) for k in want if got[k] != want[k]}
