"""The dossier page, its actions and its printed forms.

Every action posts to ``dossier_action``: its form (``motcua.backoffice.forms``) checks the input,
then one service does the work. An invalid post re-renders the page (HTTP 400) with the typed
data and the messages next to the fields; a domain error redirects back with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from motcua.backoffice import forms as f
from motcua.backoffice.views._common import domain_errors
from motcua.core.text import person_name
from motcua.dossiers import forms as legal_forms
from motcua.dossiers import services as svc
from motcua.dossiers.access import (
    dossier_get_for,
    has_role,
)
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Channel,
    Dossier,
    FormType,
    IssuedForm,
    Status,
    StepKind,
)
from motcua.dossiers.selectors import (
    assignable,
    dossier_flags,
    step_rows,
    time_left_text,
)
from motcua.units.models import Role


@login_required
@domain_errors
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, dossier_get_for(request.user, code))


def _page(
    request: HttpRequest, d: Dossier, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    rows = step_rows(request.user, d, now)
    active_mine = [r.step for r in rows if r.mine]
    # a coordinating agency's parallel task does not decide the dossier (services._deciding_steps)
    deciding_mine = [s for s in active_mine if s.kind != StepKind.PARALLEL]
    lead_leader = has_role(request.user, d.processing_agency, Role.LEADER)
    is_counter = has_role(request.user, d.receiving_agency, Role.COUNTER)
    bound = bound or {}
    completed = bound.get("receive_completed")
    if completed is None and d.status == Status.NEEDS_COMPLETION and is_counter:
        completed = f.CompletedIntakeForm(dossier=d)
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
        "is_counter": is_counter,
        # the forms offered as the services allow them: not to a coordinating agency's task
        "may_apologise": svc.apology_may_issue(request.user, d),
        "may_supplement": d.status == Status.IN_PROGRESS
        and svc.supplement_may_request(request.user, d),
        "decides": lead_leader
        or any(has_role(request.user, s.agency, Role.LEADER) for s in deciding_mine),
        "deciding_mine": deciding_mine,
        "apology_open": d.is_open and not hasattr(d, "apology") and svc.apology_window_open(d, now),
        "agencies": f.actions.partner_agencies()[:400],
        "parallel_rows": (bound.get("parallel") or f.ParallelForm(dossier=d)).rows(),  # type: ignore[attr-defined]
        "open": d.status in OPEN_STATUSES,
        "now": now,
        # answered only while the dossier is open (services.consultation_answer)
        "my_consultations": [
            c
            for c in d.consultations.all()
            if d.status in OPEN_STATUSES
            and c.answered_at is None
            # who may answer for the consulted agency: its specialist or its leader, as the
            # service allows (consultation_answer)
            and (
                has_role(request.user, c.to_agency, Role.SPECIALIST)
                or has_role(request.user, c.to_agency, Role.LEADER)
            )
        ],
        "assignable": assignable(request.user, [r.step for r in rows]),
        "bound": bound,
        "completed": completed,
        "guided_at_counter": d.status == Status.NEEDS_COMPLETION and d.channel != Channel.ONLINE,
    }
    return render(request, "backoffice/dossier.html", context, status=status)


# ---- actions: name → (form, the one service call) ----------------------------------------------

Run = Callable[[HttpRequest, Dossier, Any], str]  # (request, dossier, the valid form)


@dataclass(frozen=True)
class Action:
    form: type[forms.Form]
    run: Run


ACTIONS: dict[str, Action] = {}


def action(name: str, form: type[forms.Form]) -> Callable[[Run], Run]:
    def register(fn: Run) -> Run:
        ACTIONS[name] = Action(form, fn)
        return fn

    return register


@action("complete", f.CompleteForm)
def _complete(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.step_complete(
        actor=request.user, dossier=d, expected_version=c["version"], step=c["step"], note=c["note"]
    )
    return "Đã hoàn thành bước và chuyển tiếp."


@action("assign", f.AssignForm)
def _assign(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    handler = c["handler"]
    svc.step_assign(
        actor=request.user,
        dossier=d,
        step=c["step"],
        handler=handler,
        expected_version=c["version"],
    )
    return f"Đã phân công {person_name(handler)}."


@action("send_back", f.ReasonForm)
def _send_back(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.step_send_back(
        actor=request.user, dossier=d, expected_version=c["version"], reason=c["reason"]
    )
    return "Đã trả lại bước trước."


@action("transfer", f.TransferForm)
def _transfer(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.dossier_transfer(
        actor=request.user,
        dossier=d,
        to_agency=c["agency"],
        expected_version=c["version"],
        reason=c["reason"],
    )
    return f"Đã chuyển hồ sơ đến {c['agency'].name}."


@action("parallel", f.ParallelForm)
def _parallel(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.dossier_dispatch_parallel(
        actor=request.user, dossier=d, tasks=c["tasks"], expected_version=c["version"]
    )
    return "Đã chuyển liên thông đồng thời."


@action("consult", f.ConsultForm)
def _consult(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.consultation_request(
        actor=request.user,
        dossier=d,
        to_agency=c["agency"],
        question=c["question"],
        days=float(c["days"]),
        expected_version=c["version"],
    )
    return "Đã gửi lấy ý kiến."


@action("answer", f.AnswerForm)
def _answer(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.consultation_answer(
        actor=request.user,
        consultation=c["consultation"],
        answer=c["answer"],
        expected_version=c["version"],
    )
    return "Đã gửi ý kiến trả lời."


@action("supplement", f.SupplementForm)
def _supplement(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.supplement_request(
        actor=request.user,
        dossier=d,
        items=c["items"],
        expected_version=c["version"],
        reason=c["reason"],
        contact=c["contact"],
    )
    return "Đã lập Phiếu yêu cầu bổ sung (Mẫu 02); thời hạn tạm dừng."


@action("supplement_received", f.SupplementReceivedForm)
def _supplement_received(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.supplement_receive(
        actor=request.user, dossier=d, files=c["files"], expected_version=c["version"]
    )
    return "Đã nhận hồ sơ bổ sung; thời hạn được tính lại."


@action("apology", f.ApologyForm)
def _apology(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.apology_issue(
        actor=request.user,
        dossier=d,
        reason=c["reason"],
        new_appointment=c["new_appointment"],
        expected_version=c["version"],
    )
    return "Đã lập Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)."


@action("withdraw", f.ReasonForm)
def _withdraw(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.dossier_withdraw(
        actor=request.user, dossier=d, reason=c["reason"], expected_version=c["version"]
    )
    return "Đã dừng giải quyết hồ sơ (Thông báo dừng)."


@action("return_unresolved", f.ReasonsForm)
def _return_unresolved(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.dossier_return_unresolved(
        actor=request.user, dossier=d, expected_version=c["version"], reasons=c["reasons"]
    )
    return "Đã trả lại hồ sơ, không giải quyết."


@action("return_result", f.ReturnResultForm)
def _return_result(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.result_return(
        actor=request.user, dossier=d, expected_version=c["version"], method=c["method"]
    )
    return "Đã trả kết quả."


@action("attach_result", f.AttachResultForm)
def _attach_result(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.result_attach(
        actor=request.user,
        dossier=d,
        signer=c["signer"],
        checked=c["file"],
        electronic=c["electronic"],
        expected_version=c["version"],
    )
    return "Đã đính kèm kết quả."


@action("attach_scan", f.AttachScanForm)
def _attach_scan(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.scan_attach(
        actor=request.user,
        dossier=d,
        required_document=c["document"],
        checked=c["file"],
        expected_version=c["version"],
    )
    return "Đã số hóa thành phần hồ sơ."


@action("accept", f.VersionedForm)
def _accept(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    received = svc.dossier_accept_online(
        actor=request.user, dossier=d, expected_version=c["version"]
    )
    return f"Đã tiếp nhận hồ sơ trực tuyến, mã {received.code}."


@action("needs_completion", f.ItemsForm)
def _needs_completion(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.dossier_return_for_completion(
        actor=request.user,
        dossier=d,
        items=c["items"],
        reason=c["reason"],
        expected_version=c["version"],
    )
    return "Đã hướng dẫn hoàn thiện hồ sơ (Mẫu 02)."


@action("refuse", f.ReasonsForm)
def _refuse(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    svc.dossier_refuse(
        actor=request.user, dossier=d, reasons=c["reasons"], expected_version=c["version"]
    )
    return "Đã từ chối tiếp nhận (Mẫu 03)."


@action("receive_completed", f.CompletedIntakeForm)
def _receive_completed(request: HttpRequest, d: Dossier, form: Any) -> str:
    c = form.cleaned_data
    done = svc.counter_guidance_receive(
        actor=request.user,
        dossier=d,
        checklist=form.checklist(),
        scans=form.scans(),
        expected_version=c["version"],
    )
    return (
        f"Đã tiếp nhận hồ sơ {done.code} (đã hoàn thiện theo Mẫu 02). "
        f"Hẹn trả: {legal_forms.short(done.appointment_at)}."
    )


@login_required
@domain_errors
def dossier_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    d = dossier_get_for(request.user, pk)
    act = ACTIONS.get(name)
    if act is None:
        raise Http404("Không có thao tác này")
    if request.method != "POST":  # an action's address opened in the browser: its dossier page
        return redirect("backoffice:dossier", code=d.code or d.pk)
    form = act.form(request.POST, request.FILES, dossier=d)  # type: ignore[call-arg]
    if not form.is_valid():
        for line in form.messages():  # type: ignore[attr-defined]
            messages.error(request, line)
        return _page(request, d, bound={name: form}, status=400)
    message = act.run(request, d, form)
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
    number = request.GET.get("so") or ""
    # ASCII digits only: "²".isdigit() is true but int("²") fails; 18 digits stay in a bigint
    if number.isascii() and number.isdigit() and len(number) <= 18:
        issued = IssuedForm.objects.filter(dossier=d, form=form, pk=int(number)).first()
    try:
        doc = legal_forms.build(d, form, issued)
    except LookupError:
        raise Http404("Hồ sơ chưa có mẫu này") from None
    if request.GET.get("pdf"):
        data = legal_forms.render_pdf(doc)
        if request.GET.get("ky") == "1":  # signed by the issuing agency (motcua.esign)
            from motcua.esign.services import form_sign

            data = form_sign(actor=request.user, dossier=d, form=form, data=data, issued=issued)
        resp = HttpResponse(data, content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="mau-{form}-{d.code or d.pk}.pdf"'
        return resp
    return render(request, "backoffice/print.html", {"doc": doc, "d": d, "form": form})
