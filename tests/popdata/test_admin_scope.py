"""A check against the population database is made by one agency about one person: another
province's administrator may not list or open those of this province's agencies in the
administration; a check of no agency only whoever keeps the installation."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.popdata.models import Verification
from motcua.units.models import Agency
from tests.admin_scope_tools import assert_out_of_reach, assert_within_reach, login
from tests.dossiers.conftest import World, other_province_admin, province_admin

pytestmark = pytest.mark.django_db

AT = dt.datetime(2022, 6, 1, 8, 0, tzinfo=dt.UTC)


def _check(agency: Agency | None, reference: str) -> Verification:
    return Verification.objects.create(
        checked_at=AT,
        context="counter",
        inputs_digest="0" * 64,
        outcome="match",
        agency=agency,
        reference=reference,
    )


def test_another_province_admin_cannot_reach_this_province_checks(world: World) -> None:
    ours = _check(world.center, "REF-H10-0001")
    nobody = _check(None, "REF-CHUNG-0001")
    outsider, committee = other_province_admin("popdata")
    theirs = _check(committee, "REF-H39-0001")
    c = login(outsider)
    assert_within_reach(c, theirs, "REF-H39-0001")
    assert_out_of_reach(c, ours, "REF-H10-0001")
    assert_out_of_reach(c, nobody, "REF-CHUNG-0001")


def test_own_province_admin_reads_the_checks(world: World) -> None:
    ours = _check(world.center, "REF-H10-0001")
    nobody = _check(None, "REF-CHUNG-0001")
    c = login(province_admin("qt_tinh_dc", world.center, "popdata"))
    assert_within_reach(c, ours, "REF-H10-0001")
    assert_within_reach(c, nobody, "REF-CHUNG-0001")
