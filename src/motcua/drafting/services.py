"""Every write of the drafting app: templates (by administrators), drafts (the specialist
handling the dossier's current step), returning and signing (a leader of an issuing agency).

Each service checks permission and state, locks the row it changes, checks the version the page
was rendered with, and records an audit entry in the same transaction (``audit.audit_record``).
Signing goes through ``esign.services.result_sign``, which attaches the signed PDF through
``dossiers.services.result_attach`` (itself a dossier event).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.catalog.models import Procedure
from motcua.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import (
    STEP_ROLE,
    administered_agency_ids,
    administers_everything,
    has_role,
    require_agency_rows,
)
from motcua.dossiers.models import Document, Dossier, Status, StepKind, StepStatus
from motcua.drafting import render
from motcua.drafting.models import DraftStatus, ResultDraft, ResultTemplate, TemplateKind
from motcua.units.models import Role

#: dossier statuses in which a result may be drafted and signed
DRAFTABLE = (Status.IN_PROGRESS,)
SIGNABLE = (Status.IN_PROGRESS, Status.RESOLVED)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# ---- templates ---------------------------------------------------------------------------------


def template_check(*, kind: str, body: str = "", docx: bytes | None = None) -> None:
    """ValidationFailed (Vietnamese, with the reason) for a template that cannot be used."""
    if kind == TemplateKind.HTML:
        if not nfc(body).strip():
            raise ValidationFailed("Mẫu HTML cần có nội dung", code="template_empty")
        render.html_check(body)
    elif kind == TemplateKind.DOCX:
        if not docx:
            raise ValidationFailed("Mẫu DOCX cần có tệp .docx", code="template_empty")
        render.docx_check(docx)
    else:
        raise ValidationFailed("Loại mẫu không hợp lệ", code="bad_kind")


def template_agency_ids(procedure_code: str) -> list[int | None]:
    """Whose rows a template is: the agencies of every version of its procedure (a template
    outlives amendments); ``None`` — the installation's — for a version of no agency (a
    procedure every province applies) and for a code no procedure has."""
    ids = Procedure.objects.filter(code=procedure_code).values_list("agency_id", flat=True)
    return list(set(ids)) or [None]


def templates_kept_by(actor: Any, qs: QuerySet[ResultTemplate]) -> QuerySet[ResultTemplate]:
    """The templates the actor keeps: those whose procedure's every version is of an agency of
    their province (``access.keeps_agency_rows``); all of them when they keep everything."""
    if administers_everything(actor):
        return qs
    ids = administered_agency_ids(actor) or set()
    ours = Procedure.objects.filter(agency_id__in=ids).values("code")
    others = Procedure.objects.exclude(agency_id__in=ids).values("code")  # with no agency's
    return qs.filter(procedure_code__in=ours).exclude(procedure_code__in=others)


def require_template_keeper(actor: Any, *procedure_codes: str) -> None:
    """PermissionDenied unless the templates of these procedures are the actor's to change."""
    require_agency_rows(actor, *(a for c in procedure_codes for a in template_agency_ids(c)))


@transaction.atomic
def template_save(
    *, actor: Any, template: ResultTemplate, docx: bytes | None = None, now: Any = None
) -> ResultTemplate:
    """Create or change a template (the admin's door); the syntax is checked first. Every desk
    applying the procedure drafts from it: only whoever keeps the procedure's rows may change
    it, or move it onto another procedure (``require_template_keeper``: PermissionDenied)."""
    template.procedure_code = nfc(template.procedure_code).strip()
    stored = (
        ResultTemplate.objects.select_for_update()
        .filter(pk=template.pk)
        .values_list("procedure_code", flat=True)
        .first()
        if template.pk is not None
        else None
    )
    require_template_keeper(actor, template.procedure_code, *([stored] if stored else []))
    template.name = nfc(template.name).strip()
    template.body = nfc(template.body or "")
    if template.kind == TemplateKind.DOCX and docx is None and template.file:
        with template.file.open("rb") as fh:
            docx = fh.read()
    template_check(kind=template.kind, body=template.body, docx=docx)
    creating = template.pk is None
    template.updated_at = _now(now)
    template.updated_by = actor if getattr(actor, "pk", None) else None
    template.full_clean(exclude=["file"])
    template.save()
    audit_record(
        actor=actor,
        action="drafting.template_create" if creating else "drafting.template_change",
        object_type="ResultTemplate",
        object_id=template.pk,
        after={
            "procedure_code": template.procedure_code,
            "name": template.name,
            "kind": template.kind,
            "active": template.active,
        },
    )
    return template


def templates_for(dossier: Dossier) -> list[ResultTemplate]:
    return list(
        ResultTemplate.objects.filter(procedure_code=dossier.procedure.code, active=True).order_by(
            "name", "pk"
        )
    )


# ---- who may do what ---------------------------------------------------------------------------


def can_draft(actor: Any, dossier: Dossier) -> bool:
    """The specialist handling the dossier's current step: a specialist's role in the agency of
    an active step whose role is a specialist's. A coordinating agency's parallel task is not
    one: the result is the lead agency's (dossiers.services._deciding_steps)."""
    if dossier.status not in DRAFTABLE:
        return False
    steps = dossier.steps.filter(status=StepStatus.ACTIVE).exclude(kind=StepKind.PARALLEL)
    for s in steps.select_related("agency"):
        if STEP_ROLE.get(s.role) == Role.SPECIALIST and has_role(actor, s.agency, Role.SPECIALIST):
            return True
    return False


def require_drafter(actor: Any, dossier: Dossier) -> None:
    if dossier.status not in DRAFTABLE:
        raise IllegalTransition(
            f"Không soạn dự thảo kết quả khi hồ sơ đang ở trạng thái "
            f"'{dossier.get_status_display()}'",
            code="dossier_not_in_progress",
        )
    if not can_draft(actor, dossier):
        raise PermissionDenied(
            "Chỉ chuyên viên đang xử lý bước hiện tại của hồ sơ được soạn dự thảo kết quả",
            code="permission_denied",
        )


def can_edit(actor: Any, draft: ResultDraft, dossier: Dossier) -> bool:
    """Who may change a draft already made: the specialist of the current step, or its author
    while they still hold a specialist's role in an agency of the dossier's specialist steps
    (a draft returned by the leader while the dossier waits at the leader's step)."""
    if dossier.status not in DRAFTABLE:
        return False
    if can_draft(actor, dossier):
        return True
    if draft.created_by_id is None or draft.created_by_id != getattr(actor, "pk", None):
        return False
    return any(
        STEP_ROLE.get(s.role) == Role.SPECIALIST and has_role(actor, s.agency, Role.SPECIALIST)
        for s in dossier.steps.exclude(kind=StepKind.PARALLEL).select_related("agency")
    )


def require_editor(actor: Any, draft: ResultDraft, dossier: Dossier) -> None:
    if dossier.status not in DRAFTABLE:
        require_drafter(actor, dossier)  # the state's message
    if not can_edit(actor, draft, dossier):
        raise PermissionDenied(
            "Chỉ chuyên viên đang xử lý hồ sơ hoặc người soạn dự thảo được sửa dự thảo kết quả",
            code="permission_denied",
        )


def require_signer(actor: Any, dossier: Dossier) -> Any:
    from motcua.esign.services import signing_agency_for

    return signing_agency_for(actor, dossier)


def _lock(draft: ResultDraft, expected_version: int | None) -> ResultDraft:
    locked = ResultDraft.objects.select_for_update().get(pk=draft.pk)
    if expected_version is not None and locked.version != expected_version:
        raise IllegalTransition(
            "Dự thảo vừa được cập nhật ở một trang khác hoặc bởi cán bộ khác. "
            "Vui lòng tải lại trang rồi thực hiện lại.",
            code="stale_draft",
        )
    return locked


def _dossier(draft: ResultDraft) -> Dossier:
    return Dossier.objects.select_related("procedure", "processing_agency__unit").get(
        pk=draft.dossier_id
    )


def _audit(actor: Any, action: str, draft: ResultDraft, before: str, **extra: Any) -> None:
    audit_record(
        actor=actor,
        action=f"drafting.{action}",
        object_type="ResultDraft",
        object_id=draft.pk,
        before={"status": before} if before else None,
        after={
            "status": draft.status,
            "dossier": draft.dossier.code or draft.dossier_id,
            "version": draft.version,
            **extra,
        },
    )


# ---- drafts ------------------------------------------------------------------------------------


@transaction.atomic
def draft_create(
    *, actor: Any, dossier: Dossier, template: ResultTemplate, now: dt.datetime | None = None
) -> ResultDraft:
    at = _now(now)
    d = (
        Dossier.objects.select_for_update()
        .select_related("procedure", "processing_agency__unit")
        .get(pk=dossier.pk)
    )
    require_drafter(actor, d)
    if not template.active or template.procedure_code != d.procedure.code:
        raise ValidationFailed("Mẫu kết quả không dùng cho thủ tục này", code="template_mismatch")
    if ResultDraft.objects.filter(dossier=d, status__in=render.OPEN).exists():
        raise IllegalTransition(
            "Hồ sơ đã có dự thảo kết quả đang soạn; hãy sửa dự thảo đó hoặc hủy nó trước",
            code="draft_exists",
        )
    content = render.template_render(template, render.dossier_context(d, actor=actor))
    try:
        with transaction.atomic():
            draft = ResultDraft.objects.create(
                dossier=d,
                template=template,
                title=template.name[:255],
                content=content,
                created_at=at,
                created_by=actor,
                updated_at=at,
            )
    except IntegrityError:  # a concurrent draft won the race
        raise IllegalTransition(
            "Hồ sơ đã có dự thảo kết quả đang soạn", code="draft_exists"
        ) from None
    _audit(actor, "draft_create", draft, "", template=template.pk)
    return draft


@transaction.atomic
def draft_update(
    *,
    actor: Any,
    draft: ResultDraft,
    content: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ResultDraft:
    dr = _lock(draft, expected_version)
    require_editor(actor, dr, _dossier(dr))
    if not dr.editable:
        raise IllegalTransition(
            f"Dự thảo đang ở trạng thái '{dr.get_status_display()}', không sửa được",
            code="draft_not_editable",
        )
    text = render.clean_html(content)
    if not text:
        raise ValidationFailed("Nội dung dự thảo không được để trống", code="draft_empty")
    render.draft_pdf(text, title=dr.title)  # refuses content that cannot be printed
    before = dr.status
    dr.content = text
    dr.version += 1
    dr.updated_at = _now(now)
    dr.save(update_fields=["content", "version", "updated_at"])
    _audit(actor, "draft_update", dr, before)
    return dr


@transaction.atomic
def draft_submit(
    *, actor: Any, draft: ResultDraft, expected_version: int | None = None, now: Any = None
) -> ResultDraft:
    dr = _lock(draft, expected_version)
    require_editor(actor, dr, _dossier(dr))
    if not dr.editable:
        raise IllegalTransition(
            f"Dự thảo đang ở trạng thái '{dr.get_status_display()}', không trình ký được",
            code="draft_not_editable",
        )
    before = dr.status
    dr.status = DraftStatus.SUBMITTED
    dr.submitted_at = _now(now)
    dr.submitted_by = actor
    dr.version += 1
    dr.save(update_fields=["status", "submitted_at", "submitted_by", "version"])
    _audit(actor, "draft_submit", dr, before)
    return dr


@transaction.atomic
def draft_cancel(
    *, actor: Any, draft: ResultDraft, expected_version: int | None = None, now: Any = None
) -> ResultDraft:
    dr = _lock(draft, expected_version)
    require_editor(actor, dr, _dossier(dr))
    if not dr.editable:
        raise IllegalTransition(
            f"Dự thảo đang ở trạng thái '{dr.get_status_display()}', không hủy được",
            code="draft_not_editable",
        )
    before = dr.status
    dr.status = DraftStatus.CANCELLED
    dr.version += 1
    dr.updated_at = _now(now)
    dr.save(update_fields=["status", "version", "updated_at"])
    _audit(actor, "draft_cancel", dr, before)
    return dr


def _require_submitted(dr: ResultDraft, what: str) -> None:
    if dr.status != DraftStatus.SUBMITTED:
        raise IllegalTransition(
            f"Chỉ {what} dự thảo đã trình ký; dự thảo đang ở trạng thái "
            f"'{dr.get_status_display()}'",
            code="draft_not_submitted",
        )


@transaction.atomic
def draft_return(
    *,
    actor: Any,
    draft: ResultDraft,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ResultDraft:
    """The leader sends the draft back to the specialist with what to change."""
    dr = _lock(draft, expected_version)
    require_signer(actor, _dossier(dr))
    _require_submitted(dr, "trả lại")
    text = nfc(reason).strip()
    if not text:
        raise ValidationFailed("Cần nêu nội dung cần sửa", code="reason_required")
    before = dr.status
    dr.status = DraftStatus.RETURNED
    dr.returned_reason = text[:2000]
    dr.decided_at = _now(now)
    dr.decided_by = actor
    dr.version += 1
    dr.save(update_fields=["status", "returned_reason", "decided_at", "decided_by", "version"])
    _audit(actor, "draft_return", dr, before, reason=dr.returned_reason)
    return dr


@transaction.atomic
def draft_sign(
    *,
    actor: Any,
    draft: ResultDraft,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Document:
    """The leader signs: the draft printed to PDF, signed (PAdES) with the issuing agency's
    certificate and attached as the dossier's electronic result, in one transaction."""
    from motcua.dossiers.files import check_upload
    from motcua.esign.services import result_sign

    dr = _lock(draft, expected_version)
    d = _dossier(dr)
    require_signer(actor, d)
    _require_submitted(dr, "ký")
    if d.status not in SIGNABLE:
        raise IllegalTransition(
            f"Không ký kết quả khi hồ sơ đang ở trạng thái '{d.get_status_display()}'",
            code="dossier_not_in_progress",
        )
    pdf = render.draft_pdf(dr.content, title=dr.title)
    name = f"ket-qua-{(d.code or str(d.pk)).lower()}.pdf"
    doc = result_sign(actor=actor, dossier=d, checked=check_upload(name, pdf), now=now)
    before = dr.status
    dr.status = DraftStatus.SIGNED
    dr.document = doc
    dr.decided_at = _now(now)
    dr.decided_by = actor
    dr.version += 1
    dr.save(update_fields=["status", "document", "decided_at", "decided_by", "version"])
    _audit(actor, "draft_sign", dr, before, document=doc.pk, sha256=doc.sha256)
    return doc
