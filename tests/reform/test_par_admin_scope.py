"""The PAR criteria trees score every agency of the installation (the same tree per group of
agencies): the administrator of another province may not list, change, delete or add a tree or a
criterion in the administration, nor read this province's assessments there."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.reform import par_services as svc
from motcua.reform.models import ParCriterion, ParTemplate
from tests.dossiers.conftest import (
    other_province_admin,
    province_admin,
    world,  # noqa: F401 - the small province
)
from tests.reform.par_world import Par, par_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_another_province_admin_cannot_change_the_criteria_trees(par: Par) -> None:
    template = ParTemplate.objects.order_by("pk").first()
    criterion = ParCriterion.objects.filter(template=template).order_by("pk").first()
    assert template is not None and criterion is not None
    points = criterion.max_points
    a = svc.assessment_open(par.justice_leader, par.w.justice, 2024)
    outsider, _ = other_province_admin("reform")
    c = _login(outsider)
    for url in ("/admin/reform/partemplate/", "/admin/reform/parcriterion/"):
        assert c.get(url).status_code == 403, url
    for url in (
        f"/admin/reform/partemplate/{template.pk}/change/",
        f"/admin/reform/parcriterion/{criterion.pk}/change/",
        f"/admin/reform/parassessment/{a.pk}/change/",
    ):
        assert c.get(url).status_code in (302, 403, 404), url
    r = c.post(
        f"/admin/reform/parcriterion/{criterion.pk}/change/",
        {
            "template": template.pk,
            "code": criterion.code,
            "name": criterion.name,
            "order": criterion.order,
            "max_points": "99",
            "source": criterion.source,
            "origin": criterion.origin,
        },
    )
    assert r.status_code == 403
    r = c.post(f"/admin/reform/partemplate/{template.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert par.w.justice.name not in c.get("/admin/reform/parassessment/").content.decode()
    criterion.refresh_from_db()
    assert criterion.max_points == points
    assert ParTemplate.objects.filter(pk=template.pk).exists()


def test_the_administrator_of_the_only_province_keeps_the_trees(par: Par) -> None:
    admin = province_admin("qt_tinh_cchc", par.w.center, "reform")
    c = _login(admin)
    assert c.get("/admin/reform/partemplate/").status_code == 200
    a = svc.assessment_open(par.justice_leader, par.w.justice, 2024)
    assert c.get(f"/admin/reform/parassessment/{a.pk}/change/").status_code == 200
