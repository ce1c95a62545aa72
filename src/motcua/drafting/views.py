"""The drafting pages under ``/du-thao/``: thin doors over ``drafting.services``.

Every view finds the dossier through ``dossiers.access.dossier_get_for`` (staff who cannot see
the dossier get 404, as anywhere else); the services decide who may act.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from motcua.backoffice.views._common import domain_errors
from motcua.core.errors import NotFound, PermissionDenied
from motcua.dossiers.access import dossier_get_for
from motcua.drafting import render as rd
from motcua.drafting import services as svc
from motcua.drafting.forms import CreateDraftForm, DraftEditForm, DraftReturnForm, DraftVersionForm
from motcua.drafting.models import DraftStatus, ResultDraft, TemplateKind


def _draft_for(request: HttpRequest, pk: int) -> ResultDraft:
    draft = ResultDraft.objects.select_related("template", "dossier").filter(pk=pk).first()
    if draft is None:
        raise NotFound("Không tìm thấy dự thảo", code="draft_not_found")
    draft.dossier = dossier_get_for(request.user, draft.dossier_id)  # NotFound when not visible
    return draft


def _errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, str(e))


def _back(draft: ResultDraft) -> str:
    return reverse("drafting:draft", args=[draft.pk])


@require_POST
@login_required
@domain_errors
def create(request: HttpRequest, pk: int) -> HttpResponse:
    d = dossier_get_for(request.user, pk)
    form = CreateDraftForm(request.POST, templates=svc.templates_for(d))
    if not form.is_valid():
        _errors(request, form)
        return redirect("backoffice:dossier", d.code or d.pk)
    draft = svc.draft_create(actor=request.user, dossier=d, template=form.cleaned_data["template"])
    messages.success(request, f"Đã soạn dự thảo «{draft.title}» từ mẫu; hãy kiểm tra và sửa.")
    return redirect(_back(draft))


def _page(
    request: HttpRequest, draft: ResultDraft, form: Any = None, status: int = 200
) -> HttpResponse:
    d = draft.dossier
    can_edit = draft.editable and svc.can_edit(request.user, draft, d)
    try:
        svc.require_signer(request.user, d)
        can_sign = draft.status == DraftStatus.SUBMITTED and d.status in svc.SIGNABLE
    except PermissionDenied:  # not a leader of an issuing agency
        can_sign = False
    context = {
        "draft": draft,
        "d": d,
        "can_edit": can_edit,
        "can_sign": can_sign,
        "form": form,
        "content": form["content"].value() if form is not None else draft.content,
    }
    return render(request, "drafting/draft.html", context, status=status)


@login_required
@domain_errors
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    dr = _draft_for(request, pk)
    if request.method != "POST":
        return _page(request, dr)
    form = DraftEditForm(request.POST)
    if not form.is_valid():
        return _page(request, dr, form, status=400)
    c = form.cleaned_data
    svc.draft_update(
        actor=request.user, draft=dr, content=c["content"], expected_version=c["version"]
    )
    messages.success(request, "Đã lưu dự thảo.")
    return redirect(_back(dr))


def _versioned(request: HttpRequest, dr: ResultDraft) -> int | None:
    form = DraftVersionForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return None
    return int(form.cleaned_data["version"])


@require_POST
@login_required
@domain_errors
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    dr = _draft_for(request, pk)
    version = _versioned(request, dr)
    if version is not None:
        svc.draft_submit(actor=request.user, draft=dr, expected_version=version)
        messages.success(request, "Đã trình lãnh đạo ký dự thảo kết quả.")
    return redirect(_back(dr))


@require_POST
@login_required
@domain_errors
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    dr = _draft_for(request, pk)
    version = _versioned(request, dr)
    if version is not None:
        svc.draft_cancel(actor=request.user, draft=dr, expected_version=version)
        messages.success(request, "Đã hủy dự thảo.")
        return redirect("backoffice:dossier", dr.dossier.code or dr.dossier.pk)
    return redirect(_back(dr))


@require_POST
@login_required
@domain_errors
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    dr = _draft_for(request, pk)
    form = DraftReturnForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect(_back(dr))
    c = form.cleaned_data
    svc.draft_return(
        actor=request.user, draft=dr, reason=c["reason"], expected_version=c["version"]
    )
    messages.success(request, "Đã trả lại dự thảo cho chuyên viên sửa.")
    return redirect(_back(dr))


@require_POST
@login_required
@domain_errors
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    from motcua.esign.verify import verification_code

    dr = _draft_for(request, pk)
    version = _versioned(request, dr)
    if version is None:
        return redirect(_back(dr))
    doc = svc.draft_sign(actor=request.user, draft=dr, expected_version=version)
    messages.success(
        request,
        f"Đã ký số và đính kèm kết quả điện tử; mã xác thực {verification_code(doc.sha256)}.",
    )
    return redirect("backoffice:dossier", dr.dossier.code or dr.dossier.pk)


@login_required
@domain_errors
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as PDF, unsigned (what the leader will sign)."""
    dr = _draft_for(request, pk)
    response = HttpResponse(
        rd.draft_pdf(dr.content, title=dr.title), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="du-thao-{dr.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@domain_errors
def docx(request: HttpRequest, pk: int) -> HttpResponse:
    """A DOCX template filled with the dossier's data (the starting point, without the edits
    made on the page): for an officer who needs the Word file itself."""
    dr = _draft_for(request, pk)
    if dr.template.kind != TemplateKind.DOCX:
        raise NotFound("Mẫu này không phải tệp Word", code="not_docx")
    data = rd.template_docx_filled(dr.template, rd.dossier_context(dr.dossier, actor=request.user))
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="mau-{dr.pk}.docx"'
    return response
