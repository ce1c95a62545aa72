"""The demo PAR index: departments and districts of the demo province assessed for 2021 and
2022 through the services, appraised, ranked; idempotent."""

from __future__ import annotations

import pytest

from motcua.audit.models import AuditEntry
from motcua.reform.models import ParAssessment, ParScore, ParStatus
from motcua.reform.par_demo import seed_par_demo
from motcua.reform.par_selectors import compare, ranking
from tests.dossiers.conftest import world  # noqa: F401 - the small province (code 70)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("world")
def test_seed_par_demo_gives_two_ranked_years() -> None:
    out = seed_par_demo(2022)
    assert out["assessed"] == 6  # Sở Tư pháp, Sở Y tế, UBND TP Đồng Xoài × 2021, 2022
    for year in (2021, 2022):
        rows = ranking(year)
        assert {r["group"] for r in rows} == {"so_nganh", "huyen"}
        assert all(0 < r["index_pct"] <= 100 and r["rank"] >= 1 for r in rows)
    assert len(compare(2021, 2022)) == 3
    assert not ParAssessment.objects.exclude(status=ParStatus.APPRAISED).exists()
    assert not ParScore.objects.filter(criterion__source="dieu_tra", value__isnull=True).exists()
    assert AuditEntry.objects.filter(action="par.finish").count() == 6
    again = seed_par_demo(2022)
    assert again["assessed"] == 0 and again["kept"] == 6
