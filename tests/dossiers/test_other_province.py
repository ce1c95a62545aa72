"""A procedure decided by a named agency belongs to that agency's province: another province's
desk cannot file it there (the fourth probe: a Đồng Nai token of the national portal put a
dossier in the queue of Bình Phước's police, and both provinces then read the applicant)."""

from __future__ import annotations

import pytest

from motcua.core.errors import ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.units.models import Agency, Role
from tests.dossiers.conftest import World, at, member, other_province_admin
from tests.factories import UserFactory


def test_another_provinces_desk_cannot_file_a_procedure_of_this_province(world: World) -> None:
    w = world
    _, committee = other_province_admin()
    desk = Agency.objects.create(
        code="000.01.01.H39",
        name="Trung tâm Phục vụ HCC tỉnh Đồng Nai",
        kind="trung_tam",
        level=1,
        unit=committee.unit,
        receives_dossiers=True,
        parent=committee,
    )
    counter = member(UserFactory(username="motcua_dongnai"), desk, Role.COUNTER)
    assert w.simple.agency_id is not None  # decided by Bình Phước's department
    before = Dossier.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        dossier_receive(actor=counter, desk=desk, intake=w.intake(), now=at("2022-06-01 09:00"))
    assert exc.value.code == "procedure_other_province"
    assert "không thuộc tỉnh của Trung tâm Phục vụ HCC tỉnh Đồng Nai" in exc.value.message
    assert Dossier.objects.count() == before
    # this province's own desks still file it (at the province, and down the unit tree)
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    assert d.processing_agency_id == w.simple.agency_id
