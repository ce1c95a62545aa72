"""The reform plan's test world: the small province of ``tests.dossiers.conftest`` with a
province administrator, the demo plan (``seed_reform_demo``) and a citizen. Like the demo's
Bình Phước, the province has a ``valid_to`` (merged on 1/7/2025)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from motcua.reform.models import ReformPlan, ReformTask
from motcua.reform.plan_demo import seed_reform_demo
from motcua.units.models import AdministrativeUnit, Agency, Role
from tests.dossiers.conftest import World, member
from tests.factories import CitizenFactory, UserFactory


@dataclass
class ReformWorld:
    w: World
    committee: Agency
    admin: User  # province administrator
    own: User  # staff of Sở Tư pháp (responsible for the STP tasks)
    other: User  # staff of Sở Y tế (no task)
    citizen: User
    plan: ReformPlan
    task: ReformTask  # a Sở Tư pháp task, in progress


@pytest.fixture
def reform_world(world: World) -> ReformWorld:
    # as in the demo: the 2022 province was merged away on 1/7/2025 (its plans stay its own)
    AdministrativeUnit.objects.filter(pk=world.province.pk).update(valid_to=dt.date(2025, 6, 30))
    committee = Agency.objects.get(code="000.00.00.H10")
    admin = member(UserFactory(username="qt_tinh"), committee, Role.PROVINCE_ADMIN)
    seed_reform_demo()
    plan = ReformPlan.objects.get(year=2022)
    task = ReformTask.objects.filter(agency=world.justice, status="dang_thuc_hien").first()
    assert task is not None
    return ReformWorld(
        world,
        committee,
        admin,
        world.users["specialist"],
        world.users["health"],
        CitizenFactory().user,
        plan,
        task,
    )
