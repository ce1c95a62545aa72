"""units.selectors.same_province: the intake's other-province check and routing's rely on it."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.units.selectors import same_province
from tests.dossiers.conftest import World, other_province_admin


def test_units_of_one_province_and_of_another(world: World) -> None:
    w = world
    _, committee = other_province_admin()
    inside = (w.province.pk, w.district.pk, w.commune.pk)
    for a in inside:
        for b in inside:
            assert same_province(a, b), (a, b)
        assert not same_province(a, committee.unit_id)
        assert not same_province(committee.unit_id, a)
    assert not same_province(w.commune.pk, 10**9)  # a unit that does not exist
    with CaptureQueriesContext(connection) as q:
        assert same_province(w.commune.pk, w.commune.pk)
    assert len(q.captured_queries) == 0
    with CaptureQueriesContext(connection) as q:
        same_province(w.commune.pk, w.province.pk)
    assert len(q.captured_queries) == 1
