"""A result template is what every desk applying its procedure drafts the result from: the
administrator of another province may not list, open, preview, change or add the templates of
this province's procedures, nor of a procedure every province applies (no agency of its own) —
in the administration or through the service (``template_save``, the administration's door)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.core.errors import PermissionDenied
from motcua.drafting.models import ResultTemplate, TemplateKind
from motcua.drafting.services import template_save
from tests.dossiers.conftest import World, other_province_admin, province_admin
from tests.drafting.tools import html_template

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _form(t: ResultTemplate, **over: str) -> dict[str, str]:
    data = {"procedure_code": t.procedure_code, "name": t.name, "kind": t.kind, "body": t.body}
    return {**data, "active": "on", **over}


def test_another_province_admin_cannot_reach_this_province_templates(world: World) -> None:
    own = html_template("1.000001", name="Quyết định của Sở Tư pháp")
    shared = html_template("2.000003", name="Mẫu dùng chung")  # a procedure of no agency
    outsider, _ = other_province_admin("drafting")
    c = _login(outsider)
    body = c.get("/admin/drafting/resulttemplate/").content.decode()
    assert own.name not in body and shared.name not in body
    for t in (own, shared):
        for url in (
            f"/admin/drafting/resulttemplate/{t.pk}/change/",
            f"/admin/drafting/resulttemplate/{t.pk}/xem-truoc/",
        ):
            assert c.get(url).status_code in (302, 403, 404), url
        r = c.post(f"/admin/drafting/resulttemplate/{t.pk}/change/", _form(t, body="<p>x</p>"))
        assert r.status_code in (302, 403, 404)
    # a new template for this province's procedure: refused, with the reason
    r = c.post("/admin/drafting/resulttemplate/add/", _form(own, name="Mẫu lạ"))
    assert r.status_code == 403
    assert "Bạn chỉ quản trị" in r.content.decode()
    # the service, whatever the door
    for t in (own, shared):
        t.body = "<p>đã sửa</p>"
        with pytest.raises(PermissionDenied) as exc:
            template_save(actor=outsider, template=t)
        assert exc.value.code == "permission_denied"
    with pytest.raises(PermissionDenied):
        template_save(
            actor=outsider,
            template=ResultTemplate(
                procedure_code="1.000001", name="Mẫu lạ", kind=TemplateKind.HTML, body="<p>x</p>"
            ),
        )
    assert ResultTemplate.objects.count() == 2
    for t in (own, shared):
        assert ResultTemplate.objects.get(pk=t.pk).body != "<p>đã sửa</p>"


def test_an_own_template_cannot_be_moved_onto_another_province_procedure(world: World) -> None:
    """The administrator of Đồng Nai keeps a template of their procedure, never moves it onto
    this province's (nor this one's onto theirs)."""
    from motcua.catalog.services import catalog_import_specs
    from tests.factories import procedure_spec

    outsider, committee = other_province_admin("drafting")
    catalog_import_specs(
        actor=None, specs=[procedure_spec("1.900001", agency_code=committee.code)], source="t"
    )
    theirs = html_template("1.900001", name="Mẫu của Đồng Nai")
    c = _login(outsider)
    assert theirs.name in c.get("/admin/drafting/resulttemplate/").content.decode()
    r = c.post(
        f"/admin/drafting/resulttemplate/{theirs.pk}/change/",
        _form(theirs, procedure_code="1.000001"),
    )
    assert r.status_code == 403
    assert ResultTemplate.objects.get(pk=theirs.pk).procedure_code == "1.900001"
    r = c.post(f"/admin/drafting/resulttemplate/{theirs.pk}/change/", _form(theirs, name="Mới"))
    assert r.status_code == 302
    assert ResultTemplate.objects.get(pk=theirs.pk).name == "Mới"


def test_own_province_admin_keeps_the_templates(world: World) -> None:
    admin = province_admin("qt_tinh_mau", world.center, "drafting")
    own = html_template("1.000001", name="Quyết định của Sở Tư pháp")
    c = _login(admin)
    assert own.name in c.get("/admin/drafting/resulttemplate/").content.decode()
    r = c.post(f"/admin/drafting/resulttemplate/{own.pk}/change/", _form(own, name="Đã sửa"))
    assert r.status_code == 302
    assert ResultTemplate.objects.get(pk=own.pk).name == "Đã sửa"
    assert c.get(f"/admin/drafting/resulttemplate/{own.pk}/xem-truoc/").status_code == 200


def test_another_province_admin_cannot_read_this_province_drafts(world: World) -> None:
    from django.utils import timezone

    from motcua.dossiers.services import dossier_receive
    from motcua.drafting.models import ResultDraft
    from tests.admin_scope_tools import assert_out_of_reach, assert_within_reach

    now = timezone.now()
    d = dossier_receive(
        actor=world.users["counter"], desk=world.center, intake=world.intake(), now=now
    )
    draft = ResultDraft.objects.create(
        dossier=d,
        template=html_template("1.000001"),
        title="Dự thảo quyết định cho Nguyễn Văn An",
        content="<p>Nội dung</p>",
        created_at=now,
        updated_at=now,
    )
    own = province_admin("qt_tinh_dt", world.center, "drafting")
    outsider, _ = other_province_admin("drafting")
    assert_out_of_reach(_login(outsider), draft, "Nguyễn Văn An")
    assert_within_reach(_login(own), draft, "Nguyễn Văn An")
