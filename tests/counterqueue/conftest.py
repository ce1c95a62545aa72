"""Desks at the small province's Service Center (and one at the commune's one-stop desk), a
second field with its own procedure, and a citizen's booking helper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from motcua.catalog.models import Field, Procedure
from motcua.catalog.services import catalog_import_specs
from motcua.counterqueue.models import Desk
from tests.dossiers.conftest import VN, World, world  # noqa: F401 - the shared small province
from tests.factories import procedure_spec


@dataclass
class Q:
    w: World
    d1: Desk  # every field
    d2: Desk  # notaries only
    d3: Desk  # civil status only
    commune: Desk  # another agency's desk
    notary: Field
    civil: Field
    civil_proc: Procedure


@pytest.fixture
def q(world: World) -> Q:  # noqa: F811
    w = world
    catalog_import_specs(
        actor=None,
        specs=[
            procedure_spec(
                "1.000009",
                name="Cấp bản sao trích lục hộ tịch",
                field_code="G09-TP02",
                field_name="Hộ tịch",
                agency_code=w.justice.code,
                valid_from=dt.date(2020, 1, 1),
            )
        ],
        source="test",
    )
    civil = Field.objects.get(code="G09-TP02")
    notary = Field.objects.get(code="G09-TP01")
    d1 = Desk.objects.create(agency=w.center, number=1, name="Quầy chung")
    d2 = Desk.objects.create(agency=w.center, number=2)
    d2.fields.add(notary)
    d3 = Desk.objects.create(agency=w.center, number=3)
    d3.fields.add(civil)
    commune = Desk.objects.create(agency=w.commune_desk, number=1)
    return Q(w, d1, d2, d3, commune, notary, civil, Procedure.objects.get(code="1.000009"))


def local(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm)).replace(tzinfo=VN)


def booking(q: Q, citizen: Any, day: dt.date, hhmm: str = "09:00") -> Any:
    """A citizen's booking at the center for ``day`` ``hhmm`` (made the day before)."""
    from motcua.eservices.models import Slot
    from motcua.eservices.services import booking_create

    slot = Slot.objects.create(
        desk=q.w.center, date=day, start=dt.time.fromisoformat(hhmm), capacity=5
    )
    return booking_create(
        account=citizen.user,
        slot=slot,
        procedure=q.w.simple,
        now=local(day - dt.timedelta(days=1), "10:00"),
    )


@pytest.fixture
def citizen(db: None) -> Any:
    from tests.factories import CitizenFactory

    return CitizenFactory(name="Trần Thị Bình", id_number="079200000001")


def today_at(hhmm: str) -> dt.datetime:
    return local(timezone.localdate(), hhmm)
