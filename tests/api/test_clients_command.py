"""``motcua api-client``: issue a token once, list, revoke; service accounts are not people."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from motcua.api.clients import api_client_create
from motcua.core.errors import ValidationFailed
from motcua.dossiers.selectors import assignable
from motcua.dossiers.services import step_assign
from motcua.units.models import Role
from tests.api.conftest import receive
from tests.dossiers.conftest import World


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_client", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_create_prints_a_working_token_then_revoke_stops_it(world: World) -> None:
    d = receive(world, "2022-06-01 09:00")
    issued = json.loads(
        run(
            "create",
            "--name",
            "Cổng DVC quốc gia",
            "--agency",
            world.justice.code,
            "--role",
            "chuyen_vien",
        )
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued['token']}")
    assert [r["id"] for r in client.get("/api/v1/dossiers/").json()["results"]] == [d.pk]
    listed = json.loads(run("list"))
    assert listed[0]["name"] == "Cổng DVC quốc gia"
    assert listed[0]["agency"] == world.justice.code
    assert issued["token"] not in json.dumps(listed)
    run("revoke", "--name", "Cổng DVC quốc gia")
    assert client.get("/api/v1/dossiers/").status_code == 401


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--name", "x", "--agency", "khong-co", "--role", "chuyen_vien"], "unknown_agency"),
        (["--name", "x", "--agency", "000.00.03.H10", "--role", "boss"], "bad_role"),
        (["--name", " ", "--agency", "000.00.03.H10", "--role", "chuyen_vien"], "name_required"),
    ],
)
def test_bad_create_exits_2_with_a_code(
    world: World, args: list[str], code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        call_command("api_client", "create", *args)
    assert exc.value.code == 2
    assert f"[{code}]" in capsys.readouterr().err


def test_a_service_account_is_never_offered_for_assignment(world: World) -> None:
    d = receive(world, "2022-06-01 09:00")
    api_client_create(name="he-thong-chuyen-vien", agency=world.justice, role=Role.SPECIALIST)
    d.refresh_from_db()
    steps = list(d.steps.all())
    # the Justice leader assigns the specialist step: only the two people are offered
    offered = {
        u.username for row in assignable(world.users["leader"], steps) for u in row["people"]
    }
    assert offered == {"cv_tuphap", "cv_tuphap2", "ld_tuphap"}


def test_a_service_account_cannot_be_assigned_a_step(world: World) -> None:
    d = receive(world, "2022-06-01 09:00")
    issued = api_client_create(name="he-thong-b", agency=world.justice, role=Role.SPECIALIST)
    step = d.steps.get(status="active", role="chuyen_vien")
    with pytest.raises(ValidationFailed) as exc:
        step_assign(actor=world.users["leader"], dossier=d, step=step, handler=issued.client.user)
    assert exc.value.code == "bad_handler"
    step.refresh_from_db()
    assert step.handler_id is None


def test_admin_lists_clients_and_revokes_them(world: World) -> None:
    from django.test import Client

    from motcua.api.models import ApiClient
    from tests.factories import UserFactory

    issued = api_client_create(name="he-thong-c", agency=world.justice, role=Role.SPECIALIST)
    admin = Client()
    admin.force_login(UserFactory(username="root", superuser=True))
    page = admin.get("/admin/api/apiclient/")
    assert page.status_code == 200
    assert "he-thong-c" in page.content.decode()
    assert (
        issued.client.secret_sha256
        not in admin.get(f"/admin/api/apiclient/{issued.client.pk}/change/").content.decode()
    )
    assert admin.get("/admin/api/apiclient/add/").status_code == 403
    admin.post(
        "/admin/api/apiclient/",
        {"action": "revoke", "_selected_action": [issued.client.pk]},
    )
    assert not ApiClient.objects.get(pk=issued.client.pk).active
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token}")
    assert token.get("/api/v1/dossiers/").status_code == 401
