"""Postal tests: the lifecycle world of tests/dossiers, a fake postal operator on 127.0.0.1
speaking the VNPost-style protocol (``motcua.postal.fakeoperator``), and a resolved dossier
whose applicant chose to receive the result by post."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive, step_complete
from motcua.postal.fakeoperator import FakeOperator
from motcua.postal.services import PostalChoice, postal_choice_record
from tests.dossiers.conftest import World, at, world  # noqa: F401 - the fixture, reused
from tests.factories import CitizenFactory

SECRET = "khoa-thong-bao-buu-chinh-thu-nghiem-0123456789"
TOKEN = "token-api-buu-chinh-thu-nghiem"
CALLBACK = "/buu-chinh/vnpost/thong-bao/"


@pytest.fixture
def fake(settings: Any) -> Any:
    op = FakeOperator(secret=SECRET, token=TOKEN).up()
    settings.MOTCUA_POSTAL_OPERATOR = "motcua.postal.operators.VNPostOperator"
    settings.MOTCUA_POSTAL_URL = op.url
    settings.MOTCUA_POSTAL_TOKEN = TOKEN
    settings.MOTCUA_POSTAL_SECRET = SECRET
    settings.MOTCUA_POSTAL_CALLBACK_URL = ""  # the tests post the callbacks themselves
    settings.MOTCUA_POSTAL_FEE_PAYER = "receiver"
    yield op
    op.down()


def resolved_with_postal(w: World, *, account: Any = None) -> Dossier:
    with transaction.atomic():
        d = dossier_receive(
            actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
        )
        postal_choice_record(
            actor=w.users["counter"],
            dossier=d,
            choice=PostalChoice(
                return_by_post=True,
                recipient_name="Nguyễn Văn An",
                phone="0912345678",
                street="12 Trần Hưng Đạo",
                ward=w.commune,
            ),
            now=at("2022-06-01 09:00"),
        )
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    step_complete(actor=w.users["leader"], dossier=d, now=at("2022-06-02 10:00"))
    if account is not None:
        Dossier.objects.filter(pk=d.pk).update(account=account)
    d.refresh_from_db()
    return d


@dataclass
class Posting:
    world: World
    dossier: Dossier
    desk: Client  # logged in as the counter officer of the receiving desk
    citizen: Any
    fake: FakeOperator

    def hand_over(self, weight: int = 200) -> Any:
        self.dossier.refresh_from_db()
        return self.desk.post(
            f"/buu-chinh/can-bo/ho-so/{self.dossier.pk}/giao-buu-chinh/",
            {"postal-version": self.dossier.version, "postal-weight_g": weight},
        )

    def callback(self, event: dict[str, Any], **signed: Any) -> Any:
        headers, body = self.fake.signed(event, **signed)
        return post_raw(self.desk, body, headers)


def post_raw(client: Client, body: bytes, headers: dict[str, str]) -> Any:
    extra = {k: v for k, v in headers.items() if k != "Content-Type"}
    return Client().post(
        CALLBACK, data=body, content_type=headers.get("Content-Type", ""), headers=extra
    )


def problem(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = json.loads(response.content)
    return body


@pytest.fixture
def posting(world: World, fake: FakeOperator) -> Posting:  # noqa: F811
    citizen = CitizenFactory().user
    d = resolved_with_postal(world, account=citizen)
    desk = Client()
    desk.force_login(world.users["counter"])
    return Posting(world, d, desk, citizen, fake)
