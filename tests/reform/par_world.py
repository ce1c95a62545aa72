"""The PAR tests' world: the small province of tests/dossiers, the shipped criteria trees, a
province appraiser, scorers of two departments and of the district, and helpers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from motcua.dossiers.legacy import import_dossiers
from motcua.reform import par_services as svc
from motcua.reform.models import ParAssessment, ParCriterion, ParScore
from motcua.reform.par_templates import templates_load
from motcua.units.models import Agency, Role
from tests.dossiers.conftest import World, member
from tests.factories import UserFactory
from tests.reports.test_import_dossiers import csv_text


@dataclass
class Par:
    w: World
    committee: Agency
    appraiser: User  # Role.PROVINCE_ADMIN at the provincial People's Committee
    justice_leader: User  # scores Sở Tư pháp
    health_leader: User  # scores Sở Y tế: another agency's officer for Sở Tư pháp
    district_leader: User
    justice_specialist: User  # a role in Sở Tư pháp, but not a scorer


@pytest.fixture(name="par")
def par_fixture(world: World) -> Par:
    templates_load()
    committee = Agency.objects.get(code="000.00.00.H10")
    return Par(
        w=world,
        committee=committee,
        appraiser=member(UserFactory(username="tham_dinh"), committee, Role.PROVINCE_ADMIN),
        justice_leader=world.users["leader"],
        health_leader=member(UserFactory(username="ld_yte"), world.health, Role.LEADER),
        district_leader=world.users["district_leader"],
        justice_specialist=world.users["specialist"],
    )


def crit(a: ParAssessment, code: str) -> ParCriterion:
    return a.template.criteria.get(code=code)


def score(a: ParAssessment, code: str) -> ParScore:
    return a.scores.select_related("criterion").get(criterion__code=code)


def import_rows(tmp_path: Path, rows: list[list[str]]) -> None:
    f = tmp_path / "ho-so.csv"
    f.write_text(csv_text(rows), encoding="utf-8")
    import_dossiers(f)


def fill_all(a: ParAssessment, points_share: str = "1") -> ParAssessment:
    """Self-score every editable criterion (values at ``points_share`` of the full mark),
    with evidence."""
    entries = {}
    for s in a.scores.select_related("criterion"):
        if not svc.self_editable(s):
            continue
        c = s.criterion
        kind = c.rule["kind"]
        share = Decimal(points_share)
        if kind == "manual":
            entries[c.pk] = svc.SelfEntry(points=c.max_points * share, evidence="VB 1")
        elif kind == "deduction":
            entries[c.pk] = svc.SelfEntry(value=Decimal(0), evidence="VB 1")
        elif kind == "yes_no":
            entries[c.pk] = svc.SelfEntry(value=Decimal(1 if share else 0), evidence="VB 1")
        else:
            entries[c.pk] = svc.SelfEntry(value=Decimal(100) * share, evidence="VB 1")
    return svc.self_save(None, a, entries)


def survey_all(a: ParAssessment, value: str = "80") -> dict[int, svc.Appraisal]:
    return {
        s.criterion_id: svc.Appraisal(value=Decimal(value))
        for s in a.scores.select_related("criterion")
        if s.criterion.source == "dieu_tra"
    }
