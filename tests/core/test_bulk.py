"""``core.bulk.update_each``: each row's fields written as ``save`` would write them (decimals,
JSON, text with diacritics, nulls), nothing else touched, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.core.bulk import update_each
from motcua.reform import par_services as svc
from motcua.reform.models import ParScore
from tests.dossiers.conftest import world  # noqa: F401 - the small province
from tests.reform.par_world import Par, par_fixture  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_no_other_row_changes(par: Par) -> None:
    a = svc.assessment_open(par.justice_leader, par.w.justice, 2022)
    rows = list(a.scores.order_by("id"))
    first, second, untouched = rows[0], rows[1], rows[2]
    before = ParScore.objects.get(pk=untouched.pk)
    first.value, first.evidence, first.auto_detail = Decimal("85.50"), "Quyết định số 12", {"k": 1}
    second.value, second.evidence, second.auto_detail = None, "", None
    assert update_each(ParScore, [first, second], ["value", "evidence", "auto_detail"]) == 2
    got = {s.pk: s for s in ParScore.objects.filter(pk__in=[first.pk, second.pk, untouched.pk])}
    assert (got[first.pk].value, got[first.pk].evidence) == (Decimal("85.50"), "Quyết định số 12")
    assert got[first.pk].auto_detail == {"k": 1}
    assert (got[second.pk].value, got[second.pk].evidence, got[second.pk].auto_detail) == (
        None,
        "",
        None,
    )
    after = got[untouched.pk]
    assert (after.value, after.evidence, after.auto_detail) == (
        before.value,
        before.evidence,
        before.auto_detail,
    )
    assert update_each(ParScore, [], ["value"]) == 0
