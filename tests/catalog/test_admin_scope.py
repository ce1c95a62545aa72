"""The procedure catalog: a procedure's time limit, fees and steps set the due dates and the
fees of every agency applying it, so the administrator of another province may not change a
procedure of this province's agencies, nor one every province applies (no agency of its own),
through the administration or its import."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import_specs
from motcua.core.errors import PermissionDenied
from motcua.units.models import Agency, Level
from tests.dossiers.conftest import World, other_province_admin, province_admin
from tests.factories import procedure_spec

pytestmark = pytest.mark.django_db


def _admin(username: str, agency: Agency) -> Any:
    return province_admin(username, agency, "catalog")


def _outsider() -> Any:
    return other_province_admin("catalog")[0]


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_another_province_admin_cannot_change_this_province_procedure(world: World) -> None:
    p = world.simple
    assert p.agency_id == world.justice.pk
    outsider = _outsider()
    c = _login(outsider)
    r = c.post(f"/admin/catalog/procedure/{p.pk}/change/", {"time_limit_days": "30"})
    assert r.status_code == 403
    r = c.post(f"/admin/catalog/procedure/{p.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    # the import: the same procedure with a longer time limit and a fee
    spec = procedure_spec(p.code, agency_code=world.justice.code, time_limit_days=30)
    with pytest.raises(PermissionDenied) as exc:
        catalog_import_specs(actor=outsider, specs=[spec], source="t")
    assert "Bạn chỉ quản trị" in exc.value.message
    # a procedure every province applies (no agency of its own): not theirs either
    shared = procedure_spec("2.999999", level=Level.DISTRICT)
    with pytest.raises(PermissionDenied):
        catalog_import_specs(actor=outsider, specs=[shared], source="t")
    p.refresh_from_db()
    assert p.time_limit_days == 5
    assert not Procedure.objects.filter(code="2.999999").exists()


def test_own_province_admin_still_imports(world: World) -> None:
    admin = _admin("qt_tinh", world.center)
    spec = procedure_spec(world.simple.code, agency_code=world.justice.code, time_limit_days=6)
    catalog_import_specs(actor=admin, specs=[spec], source="t")
    assert Procedure.objects.filter(code=world.simple.code).latest("version").time_limit_days == 6
    assert (
        _login(admin).get(f"/admin/catalog/procedure/{world.simple.pk}/change/").status_code == 200
    )
