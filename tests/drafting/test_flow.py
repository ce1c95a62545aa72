"""The draft's life: the specialist drafts, edits and submits; the leader returns or signs;
who may do each (agency, role, state, version); the signed PDF verifies; every change audited."""

from __future__ import annotations

import pytest

from motcua.audit.models import AuditEntry
from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.dossiers.models import DocumentKind, Status
from motcua.dossiers.services import dossier_withdraw, step_complete
from motcua.drafting import services as svc
from motcua.drafting.models import DraftStatus
from motcua.esign.verify import verify_pdf
from tests.dossiers.conftest import World, at
from tests.drafting.tools import FORM_DATA, html_template, in_progress
from tests.esign_tools import certificate_for

pytestmark = pytest.mark.django_db


def _submitted(w: World):  # type: ignore[no-untyped-def]
    d = in_progress(w, FORM_DATA)
    t = html_template()
    dr = svc.draft_create(actor=w.users["specialist"], dossier=d, template=t)
    dr = svc.draft_submit(actor=w.users["specialist"], draft=dr, expected_version=dr.version)
    certificate_for(w.justice)
    return d, dr


def test_specialist_drafts_edits_submits_and_the_leader_signs(world: World) -> None:
    w = world
    d = in_progress(w, FORM_DATA)
    t = html_template()
    dr = svc.draft_create(actor=w.users["specialist"], dossier=d, template=t)
    assert dr.status == DraftStatus.DRAFT and "Trần Thị Bình" in dr.content
    edited = dr.content + "<p>Ghi chú: <b>bản chính</b><script>x()</script></p>"
    dr = svc.draft_update(
        actor=w.users["specialist"], draft=dr, content=edited, expected_version=dr.version
    )
    assert dr.content.endswith("<p>Ghi chú: <b>bản chính</b></p>")
    dr = svc.draft_submit(actor=w.users["specialist"], draft=dr, expected_version=dr.version)
    assert dr.status == DraftStatus.SUBMITTED and dr.submitted_by == w.users["specialist"]
    certificate_for(w.justice)
    doc = svc.draft_sign(actor=w.users["leader"], draft=dr, expected_version=dr.version)
    dr.refresh_from_db()
    assert dr.status == DraftStatus.SIGNED and dr.document == doc
    assert doc.kind == DocumentKind.RESULT_ELECTRONIC
    with doc.file.open("rb") as fh:
        verdict = verify_pdf(fh.read(), agencies=[w.justice])
    assert verdict.valid and verdict.agency == w.justice
    d.refresh_from_db()
    assert d.electronic_result
    actions = list(
        AuditEntry.objects.filter(object_type="ResultDraft", object_id=str(dr.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "drafting.draft_create",
        "drafting.draft_update",
        "drafting.draft_submit",
        "drafting.draft_sign",
    ]
    assert d.events.filter(type="document_added").exists()  # result_attach's own event


def test_the_leader_returns_the_draft_and_the_specialist_edits_again(world: World) -> None:
    w = world
    _, dr = _submitted(w)
    with pytest.raises(IllegalTransition):  # submitted: no more edits
        svc.draft_update(actor=w.users["specialist"], draft=dr, content="<p>x</p>")
    with pytest.raises(ValidationFailed):
        svc.draft_return(actor=w.users["leader"], draft=dr, reason="  ")
    dr = svc.draft_return(actor=w.users["leader"], draft=dr, reason="Sửa ngày sinh")
    assert dr.status == DraftStatus.RETURNED and dr.returned_reason == "Sửa ngày sinh"
    dr = svc.draft_update(actor=w.users["specialist"], draft=dr, content="<p>Đã sửa</p>")
    dr = svc.draft_submit(actor=w.users["specialist"], draft=dr)
    assert dr.status == DraftStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="drafting.draft_return").count() == 1


def test_only_the_specialist_of_the_current_step_drafts(world: World) -> None:
    w = world
    d = in_progress(w, FORM_DATA)
    t = html_template()
    for who in ("counter", "health", "district_officer", "outsider"):
        with pytest.raises(PermissionDenied):
            svc.draft_create(actor=w.users[who], dossier=d, template=t)
    # once the specialist's step is done the dossier is at the leader: no drafting any more
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    d.refresh_from_db()
    with pytest.raises(PermissionDenied):
        svc.draft_create(actor=w.users["specialist2"], dossier=d, template=t)


def test_only_a_leader_of_an_issuing_agency_signs_or_returns(world: World) -> None:
    w = world
    _, dr = _submitted(w)
    for who in ("specialist", "district_leader", "counter"):
        with pytest.raises(PermissionDenied):
            svc.draft_sign(actor=w.users[who], draft=dr)
        with pytest.raises(PermissionDenied):
            svc.draft_return(actor=w.users[who], draft=dr, reason="không")
    dr.refresh_from_db()
    assert dr.status == DraftStatus.SUBMITTED and dr.document is None


def test_wrong_states_are_refused_and_change_nothing(world: World) -> None:
    w = world
    d = in_progress(w, FORM_DATA)
    t = html_template()
    dr = svc.draft_create(actor=w.users["specialist"], dossier=d, template=t)
    certificate_for(w.justice)
    with pytest.raises(IllegalTransition) as exc:  # not submitted yet
        svc.draft_sign(actor=w.users["leader"], draft=dr)
    assert exc.value.code == "draft_not_submitted"
    with pytest.raises(IllegalTransition) as exc:  # one open draft per dossier
        svc.draft_create(actor=w.users["specialist"], dossier=d, template=t)
    assert exc.value.code == "draft_exists"
    with pytest.raises(IllegalTransition) as exc:  # a stale page
        svc.draft_update(
            actor=w.users["specialist"], draft=dr, content="<p>x</p>", expected_version=99
        )
    assert exc.value.code == "stale_draft"
    other = html_template(code="1.000002", name="Mẫu khác")
    svc.draft_cancel(actor=w.users["specialist"], draft=dr)
    with pytest.raises(ValidationFailed) as exc2:  # a template of another procedure
        svc.draft_create(actor=w.users["specialist"], dossier=d, template=other)
    assert exc2.value.code == "template_mismatch"
    dossier_withdraw(actor=w.users["counter"], dossier=d, reason="Người nộp rút hồ sơ")
    d.refresh_from_db()
    assert d.status == Status.WITHDRAWN
    with pytest.raises(IllegalTransition) as exc:
        svc.draft_create(actor=w.users["specialist"], dossier=d, template=t)
    assert exc.value.code == "dossier_not_in_progress"
    assert d.result_drafts.filter(status=DraftStatus.DRAFT).count() == 0


def test_a_submitted_draft_of_a_withdrawn_dossier_is_not_signed(world: World) -> None:
    w = world
    d, dr = _submitted(w)
    dossier_withdraw(actor=w.users["counter"], dossier=d, reason="Người nộp rút hồ sơ")
    with pytest.raises(IllegalTransition):
        svc.draft_sign(actor=w.users["leader"], draft=dr)
    dr.refresh_from_db()
    assert dr.status == DraftStatus.SUBMITTED
    assert not d.documents.filter(kind=DocumentKind.RESULT_ELECTRONIC).exists()


def test_a_draft_returned_at_the_leaders_step_goes_back_to_its_author(world: World) -> None:
    w = world
    d, dr = _submitted(w)
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-02 09:00"))
    dr = svc.draft_return(actor=w.users["leader"], draft=dr, reason="Thiếu nơi nhận")
    # another specialist of the agency, no longer on an active step, is not the author
    with pytest.raises(PermissionDenied):
        svc.draft_update(actor=w.users["specialist2"], draft=dr, content="<p>x</p>")
    dr = svc.draft_update(
        actor=w.users["specialist"], draft=dr, content="<p>Nơi nhận: như trên</p>"
    )
    dr = svc.draft_submit(actor=w.users["specialist"], draft=dr)
    doc = svc.draft_sign(actor=w.users["leader"], draft=dr)
    from io import BytesIO

    from pypdf import PdfReader

    with doc.file.open("rb") as fh:
        text = PdfReader(BytesIO(fh.read())).pages[0].extract_text()
    assert "Nơi nhận: như trên" in text


def test_a_coordinating_agency_neither_drafts_nor_rewrites_the_lead_agencys_result(
    world: World,
) -> None:
    """The Justice Department's specialist drafts the result, then sends a task to the Health
    Department (parallel inter-agency handling). The Health Department's specialist holds an
    active specialist-role step of the dossier, but it is a coordinating task: the draft of the
    result is the lead agency's — refused, nothing changed; its author still edits it."""
    from decimal import Decimal

    from motcua.dossiers.services import ParallelTask, dossier_dispatch_parallel

    w = world
    d = in_progress(w, FORM_DATA)
    t = html_template()
    dr = svc.draft_create(actor=w.users["specialist"], dossier=d, template=t)
    dossier_dispatch_parallel(
        actor=w.users["specialist"],
        dossier=d,
        tasks=[ParallelTask(w.health, "Thẩm định điều kiện y tế", Decimal(1))],
        now=at("2022-06-01 10:00"),
    )
    d.refresh_from_db()
    health = w.users["health"]
    assert not svc.can_draft(health, d) and not svc.can_edit(health, dr, d)
    for call in (
        lambda: svc.draft_update(actor=health, draft=dr, content="<p>Sửa bởi Sở Y tế</p>"),
        lambda: svc.draft_submit(actor=health, draft=dr),
        lambda: svc.draft_cancel(actor=health, draft=dr),
    ):
        with pytest.raises(PermissionDenied) as exc:
            call()
        assert exc.value.code == "permission_denied"
    dr.refresh_from_db()
    assert dr.status == DraftStatus.DRAFT and "Sở Y tế" not in dr.content and dr.version == 1
    svc.draft_cancel(actor=w.users["specialist"], draft=dr)  # the author still may
    with pytest.raises(PermissionDenied):
        svc.draft_create(actor=health, dossier=d, template=t)
