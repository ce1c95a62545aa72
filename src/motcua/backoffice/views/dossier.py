"""The dossier page, its actions and its printed forms."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.backoffice.views._common import (
    _checked,
    _days,
    _int,
    _items,
    _local_input,
    _upload,
    domain_errors,
)
from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.text import person_name
from motcua.dossiers import forms as legal_forms
from motcua.dossiers import services as svc
from motcua.dossiers.access import (
    dossier_get_for,
    has_role,
)
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Consultation,
    Dossier,
    FormType,
    IssuedForm,
)
from motcua.dossiers.selectors import (
    assignable,
    dossier_flags,
    step_rows,
    time_left_text,
)
from motcua.units.models import Agency, Role


@login_required
@domain_errors
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    d = dossier_get_for(request.user, code)
    now = timezone.now()
    rows = step_rows(request.user, d, now)
    active_mine = [r.step for r in rows if r.mine]
    context = {
        "d": d,
        "rows": rows,
        "events": d.events.select_related("agency").order_by("at", "id"),
        "documents": d.documents.order_by("id"),
        "issued": d.forms.order_by("issued_at", "id"),
        "consultations": d.consultations.select_related("to_agency", "from_agency"),
        "flags": dossier_flags(d),
        "left": time_left_text(d, now),
        "active_mine": active_mine,
        "is_counter": has_role(request.user, d.receiving_agency, Role.COUNTER),
        "is_leader": has_role(request.user, d.processing_agency, Role.LEADER)
        or any(has_role(request.user, s.agency, Role.LEADER) for s in active_mine),
        "apology_open": d.is_open and not hasattr(d, "apology") and svc.apology_window_open(d, now),
        "agencies": Agency.objects.filter(
            kind__in=["so_nganh", "ubnd", "phong", "nganh_doc"]
        ).order_by("level", "code")[:400],
        "open": d.status in OPEN_STATUSES,
        "now": now,
        "my_consultations": [
            c
            for c in d.consultations.all()
            if c.answered_at is None and has_role(request.user, c.to_agency, Role.SPECIALIST)
        ],
        "assignable": assignable(request.user, [r.step for r in rows]),
    }
    return render(request, "backoffice/dossier.html", context)


ACTIONS: dict[str, Callable[[HttpRequest, Dossier, int | None], str]] = {}


def action(
    name: str,
) -> Callable[
    [Callable[[HttpRequest, Dossier, int | None], str]],
    Callable[[HttpRequest, Dossier, int | None], str],
]:
    def register(
        fn: Callable[[HttpRequest, Dossier, int | None], str],
    ) -> Callable[[HttpRequest, Dossier, int | None], str]:
        ACTIONS[name] = fn
        return fn

    return register


@action("complete")
def _complete(request: HttpRequest, d: Dossier, v: int | None) -> str:
    step = request.POST.get("step")
    svc.step_complete(
        actor=request.user,
        dossier=d,
        expected_version=v,
        step=int(step) if step and step.isdigit() else None,
        note=request.POST.get("note", ""),
    )
    return "Đã hoàn thành bước và chuyển tiếp."


@action("assign")
def _assign(request: HttpRequest, d: Dossier, v: int | None) -> str:
    from django.contrib.auth import get_user_model

    handler = get_user_model().objects.filter(pk=_int(request.POST.get("handler"), 0)).first()
    if handler is None:
        raise ValidationFailed("Chọn cán bộ được phân công", code="handler_required")
    svc.step_assign(
        actor=request.user, dossier=d, step=_int(request.POST.get("step"), 0), handler=handler
    )
    return f"Đã phân công {person_name(handler)}."


@action("send_back")
def _send_back(request: HttpRequest, d: Dossier, v: int | None) -> str:
    svc.step_send_back(
        actor=request.user, dossier=d, expected_version=v, reason=request.POST.get("reason", "")
    )
    return "Đã trả lại bước trước."


@action("transfer")
def _transfer(request: HttpRequest, d: Dossier, v: int | None) -> str:
    target = Agency.objects.filter(pk=_int(request.POST.get("agency"), 0)).first()
    if target is None:
        raise ValidationFailed("Chọn cơ quan nhận", code="agency_required")
    svc.dossier_transfer(
        actor=request.user,
        dossier=d,
        to_agency=target,
        expected_version=v,
        reason=request.POST.get("reason", ""),
    )
    return f"Đã chuyển hồ sơ đến {target.name}."


@action("parallel")
def _parallel(request: HttpRequest, d: Dossier, v: int | None) -> str:
    tasks = []
    for agency_id, task, days in zip(
        request.POST.getlist("p_agency"),
        request.POST.getlist("p_task"),
        request.POST.getlist("p_days"),
        strict=False,
    ):
        if not agency_id:
            continue
        agency = Agency.objects.filter(pk=_int(agency_id, 0)).first()
        if agency is None:
            raise ValidationFailed("Cơ quan phối hợp không tồn tại", code="agency_required")
        tasks.append(svc.ParallelTask(agency, task, _days(days)))
    svc.dossier_dispatch_parallel(actor=request.user, dossier=d, tasks=tasks, expected_version=v)
    return "Đã chuyển liên thông đồng thời."


@action("consult")
def _consult(request: HttpRequest, d: Dossier, v: int | None) -> str:
    target = Agency.objects.filter(pk=_int(request.POST.get("agency"), 0)).first()
    if target is None:
        raise ValidationFailed("Chọn cơ quan được lấy ý kiến", code="agency_required")
    svc.consultation_request(
        actor=request.user,
        dossier=d,
        to_agency=target,
        question=request.POST.get("question", ""),
        days=float(_days(request.POST.get("days"))),
    )
    return "Đã gửi lấy ý kiến."


@action("answer")
def _answer(request: HttpRequest, d: Dossier, v: int | None) -> str:
    c = Consultation.objects.filter(dossier=d, pk=_int(request.POST.get("consultation"), 0)).first()
    if c is None:
        raise NotFound("Không có yêu cầu lấy ý kiến này", code="not_found")
    svc.consultation_answer(
        actor=request.user, consultation=c, answer=request.POST.get("answer", "")
    )
    return "Đã gửi ý kiến trả lời."


@action("supplement")
def _supplement(request: HttpRequest, d: Dossier, v: int | None) -> str:
    items = _items(request)
    svc.supplement_request(
        actor=request.user,
        dossier=d,
        items=items,
        expected_version=v,
        reason=request.POST.get("reason", ""),
        contact=request.POST.get("contact", ""),
    )
    return "Đã lập Phiếu yêu cầu bổ sung (Mẫu 02); thời hạn tạm dừng."


@action("supplement_received")
def _supplement_received(request: HttpRequest, d: Dossier, v: int | None) -> str:
    files = [
        (request.POST.get("document", "Hồ sơ bổ sung"), _checked(f))
        for f in request.FILES.getlist("files")
    ]
    svc.supplement_receive(actor=request.user, dossier=d, files=files, expected_version=v)
    return "Đã nhận hồ sơ bổ sung; thời hạn được tính lại."


@action("apology")
def _apology(request: HttpRequest, d: Dossier, v: int | None) -> str:
    svc.apology_issue(
        actor=request.user,
        dossier=d,
        reason=request.POST.get("reason", ""),
        new_appointment=_local_input(request.POST.get("new_appointment")),
        expected_version=v,
    )
    return "Đã lập Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)."


@action("withdraw")
def _withdraw(request: HttpRequest, d: Dossier, v: int | None) -> str:
    svc.dossier_withdraw(
        actor=request.user, dossier=d, reason=request.POST.get("reason", ""), expected_version=v
    )
    return "Đã dừng giải quyết hồ sơ (Thông báo dừng)."


@action("return_unresolved")
def _return_unresolved(request: HttpRequest, d: Dossier, v: int | None) -> str:
    svc.dossier_return_unresolved(
        actor=request.user, dossier=d, expected_version=v, reasons=request.POST.get("reasons", "")
    )
    return "Đã trả lại hồ sơ, không giải quyết."


@action("return_result")
def _return_result(request: HttpRequest, d: Dossier, v: int | None) -> str:
    svc.result_return(
        actor=request.user,
        dossier=d,
        expected_version=v,
        method=request.POST.get("method", "Trực tiếp"),
    )
    return "Đã trả kết quả."


@action("attach_result")
def _attach_result(request: HttpRequest, d: Dossier, v: int | None) -> str:
    svc.result_attach(
        actor=request.user,
        dossier=d,
        signer=request.POST.get("signer", ""),
        checked=_upload(request, "Chọn tệp kết quả"),
        # an unticked checkbox sends nothing: only "on" means an electronic result
        electronic=request.POST.get("electronic") == "on",
    )
    return "Đã đính kèm kết quả."


@action("attach_scan")
def _attach_scan(request: HttpRequest, d: Dossier, v: int | None) -> str:
    svc.scan_attach(
        actor=request.user,
        dossier=d,
        required_document=request.POST.get("document", ""),
        checked=_upload(request, "Chọn tệp bản quét"),
    )
    return "Đã số hóa thành phần hồ sơ."


@action("accept")
def _accept(request: HttpRequest, d: Dossier, v: int | None) -> str:
    svc.dossier_accept_online(actor=request.user, dossier=d, expected_version=v)
    return f"Đã tiếp nhận hồ sơ trực tuyến, mã {d.code or ''}."


@action("needs_completion")
def _needs_completion(request: HttpRequest, d: Dossier, v: int | None) -> str:
    items = _items(request)
    svc.dossier_return_for_completion(
        actor=request.user, dossier=d, items=items, reason=request.POST.get("reason", "")
    )
    return "Đã hướng dẫn hoàn thiện hồ sơ (Mẫu 02)."


@action("refuse")
def _refuse(request: HttpRequest, d: Dossier, v: int | None) -> str:
    svc.dossier_refuse(actor=request.user, dossier=d, reasons=request.POST.get("reasons", ""))
    return "Đã từ chối tiếp nhận (Mẫu 03)."


@login_required
@require_POST
@domain_errors
def dossier_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    d = dossier_get_for(request.user, pk)
    handler = ACTIONS.get(name)
    if handler is None:
        raise Http404("Không có thao tác này")
    version = request.POST.get("version")
    message = handler(request, d, int(version) if version and version.isdigit() else None)
    d.refresh_from_db()
    messages.success(request, message)
    return redirect("backoffice:dossier", code=d.code or d.pk)


@login_required
@domain_errors
def print_form(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    d = dossier_get_for(request.user, pk)
    if form not in FormType.values:
        raise Http404("Không có mẫu này")
    issued = None
    number = request.GET.get("so")
    if number and number.isdigit():
        issued = IssuedForm.objects.filter(dossier=d, form=form, pk=int(number)).first()
    try:
        doc = legal_forms.build(d, form, issued)
    except LookupError:
        raise Http404("Hồ sơ chưa có mẫu này") from None
    if request.GET.get("pdf"):
        resp = HttpResponse(legal_forms.render_pdf(doc), content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="mau-{form}-{d.code or d.pk}.pdf"'
        return resp
    return render(request, "backoffice/print.html", {"doc": doc, "d": d, "form": form})
