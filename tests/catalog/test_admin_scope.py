"""The procedure catalog: a procedure's time limit, fees and steps set the due dates and the
fees of every agency applying it, so the administrator of another province may not change a
procedure of this province's agencies, nor one every province applies (no agency of its own),
through the administration or its import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from motcua.catalog.models import Field, Procedure
from motcua.catalog.services import (
    StepSpec,
    catalog_import_specs,
    procedure_abolish,
    procedure_amend,
    procedure_create,
    procedure_replace,
    procedure_set_process,
    procedure_update,
)
from motcua.core.errors import PermissionDenied
from motcua.units.models import Agency, Level
from tests.dossiers.conftest import World, other_province_admin, province_admin
from tests.factories import procedure_spec

pytestmark = pytest.mark.django_db

EFFECTIVE = dt.date(2025, 7, 1)


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


def test_the_services_refuse_another_province_admin(world: World) -> None:
    """procedure_update and procedure_amend were checked only by their callers (the import): a
    new door (a page, the API, a command run as a user) would have let anyone through."""
    p, shared = world.simple, world.inter
    outsider = _outsider()
    before = {q.pk: (q.time_limit_days, q.status, q.version) for q in Procedure.objects.all()}
    longer = procedure_spec(p.code, agency_code=world.justice.code, time_limit_days=30)
    attempts = [
        lambda: procedure_update(actor=outsider, procedure=p, spec=longer),
        lambda: procedure_amend(
            actor=outsider, procedure=p, spec=longer, effective=EFFECTIVE, decision="1/QĐ"
        ),
        lambda: procedure_update(
            actor=outsider,
            procedure=shared,
            spec=procedure_spec(shared.code, level=Level.COMMUNE, time_limit_days=30),
        ),
        lambda: procedure_set_process(actor=outsider, procedure=p, steps=[]),
        lambda: procedure_abolish(
            actor=outsider, procedure=p, effective=EFFECTIVE, decision="2/QĐ"
        ),
        lambda: procedure_replace(
            actor=outsider, procedure=p, replacement=world.paused, effective=EFFECTIVE, decision="3"
        ),
        lambda: procedure_create(
            actor=outsider,
            spec=procedure_spec("1.999998", agency_code=world.justice.code, status="draft"),
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as exc:
            attempt()
        assert exc.value.code == "permission_denied"
        assert "Bạn chỉ quản trị" in exc.value.message
    after = {q.pk: (q.time_limit_days, q.status, q.version) for q in Procedure.objects.all()}
    assert after == before


def test_own_province_admin_cannot_hand_a_procedure_to_another_province(world: World) -> None:
    _, committee = other_province_admin("catalog")
    admin = _admin("qt_tinh_tt", world.center)
    p = world.simple
    theirs = procedure_spec(p.code, agency_code=committee.code)
    their_step = procedure_spec(
        p.code,
        agency_code=world.justice.code,
        steps=[
            StepSpec("Tiếp nhận", "tiep_nhan", Decimal(1)),
            StepSpec("Thẩm định", "chuyen_vien", Decimal(3), committee.code),
            StepSpec("Trả kết quả", "tra_ket_qua", Decimal(1)),
        ],
    )
    for spec in (theirs, their_step):
        with pytest.raises(PermissionDenied):
            procedure_update(actor=admin, procedure=p, spec=spec)
        with pytest.raises(PermissionDenied):
            procedure_amend(
                actor=admin, procedure=p, spec=spec, effective=EFFECTIVE, decision="1/QĐ"
            )
    p.refresh_from_db()
    assert p.agency_id == world.justice.pk and p.status == "published"
    # their own: still theirs to correct and amend
    procedure_update(
        actor=admin, procedure=p, spec=procedure_spec(p.code, agency_code=world.justice.code)
    )
    new = procedure_amend(
        actor=admin,
        procedure=p,
        spec=procedure_spec(p.code, agency_code=world.justice.code, time_limit_days=6),
        effective=EFFECTIVE,
        decision="1/QĐ",
    )
    assert new.version == p.version + 1


def test_a_field_is_the_installation_s(world: World) -> None:
    """A field (lĩnh vực) is shared by every province's procedures: another province's
    administrator neither lists nor changes the fields in the administration, nor renames one
    by correcting a procedure of their own."""
    outsider, committee = other_province_admin("catalog")
    f = world.simple.field
    name = f.name
    c = _login(outsider)
    assert c.get("/admin/catalog/field/").status_code == 403
    url = f"/admin/catalog/field/{f.pk}/change/"
    assert c.get(url).status_code in (302, 403, 404)
    r = c.post(url, {"code": f.code, "name": "Lĩnh vực đổi tên", "ministry": ""})
    assert r.status_code == 403
    r = c.post(f"/admin/catalog/field/{f.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    r = c.post("/admin/catalog/field/add/", {"code": "G99", "name": "Lạ", "ministry": ""})
    assert r.status_code == 403
    # their own procedure, corrected with another name for the shared field
    catalog_import_specs(
        actor=None, specs=[procedure_spec("1.900002", agency_code=committee.code)], source="t"
    )
    own = Procedure.objects.get(code="1.900002")
    assert own.field_id == f.pk
    renamed = procedure_spec(own.code, agency_code=committee.code, field_name="Lĩnh vực đổi tên")
    procedure_update(actor=outsider, procedure=own, spec=renamed)
    f.refresh_from_db()
    assert f.name == name
    assert not Field.objects.filter(code="G99").exists()
    # whoever keeps the installation (the command line) still renames it
    procedure_update(actor=None, procedure=own, spec=renamed)
    f.refresh_from_db()
    assert f.name == "Lĩnh vực đổi tên"


def test_the_administrator_of_the_only_province_keeps_the_fields(world: World) -> None:
    admin = _admin("qt_tinh_linhvuc", world.center)
    f = world.simple.field
    c = _login(admin)
    assert c.get("/admin/catalog/field/").status_code == 200
    r = c.post(f"/admin/catalog/field/{f.pk}/change/", {"code": f.code, "name": "Mới"})
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.name == "Mới"
