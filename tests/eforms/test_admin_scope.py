"""A procedure's application form is what every desk applying the procedure asks the applicant
to fill in: the administrator of another province may not set, change or remove the form of a
procedure of this province's agencies, nor of one every province applies — by the service (the
administration and the catalog import both write through it) or in the administration."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from motcua.core.errors import PermissionDenied
from motcua.eforms.models import FormDefinition
from motcua.eforms.services import form_definition_set
from tests.catalog.test_admin_scope import _admin, _outsider
from tests.dossiers.conftest import World

pytestmark = pytest.mark.django_db


def _with_forms(user: Any) -> Any:
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="eforms"))
    return user


def test_another_province_admin_cannot_change_this_province_form(
    world: World, definition: dict[str, Any]
) -> None:
    p = world.simple
    row = form_definition_set(actor=None, procedure=p, definition=definition)
    assert row is not None
    before = row.definition
    outsider = _with_forms(_outsider())
    changed = {**definition, "title": "Tờ khai của tỉnh khác"}
    for new in (changed, None):
        with pytest.raises(PermissionDenied) as exc:
            form_definition_set(actor=outsider, procedure=p, definition=new)
        assert exc.value.code == "permission_denied"
    c = Client()
    c.force_login(outsider)
    r = c.post(f"/admin/eforms/formdefinition/{row.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert FormDefinition.objects.get(pk=row.pk).definition == before


def test_own_province_admin_sets_the_form(world: World, definition: dict[str, Any]) -> None:
    admin = _with_forms(_admin("qt_tinh_tokhai", world.center))
    row = form_definition_set(actor=admin, procedure=world.simple, definition=definition)
    assert row is not None and row.definition["title"] == definition["title"]
    c = Client()
    c.force_login(admin)
    assert c.get(f"/admin/eforms/formdefinition/{row.pk}/change/").status_code == 200
