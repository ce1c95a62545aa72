"""Pages of the online public services (``/dich-vu-cong/``): thin — a form, one service or
selector, a template. Another citizen's row is a 404; a refused action re-renders the page with
the Vietnamese message and HTTP 400, nothing changed."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.citizens.access import citizen_of, citizen_required
from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.dossiers import forms as legal_forms
from motcua.dossiers import services as dsvc
from motcua.dossiers.access import agency_ids_for
from motcua.dossiers.models import ApplicantKind, Document, IssuedForm
from motcua.eservices import selectors as sel
from motcua.eservices import services as svc
from motcua.eservices.forms import (
    BookForm,
    BookingChoiceForm,
    SendDocumentsForm,
    StatusFilterForm,
    StoreUploadForm,
    SubmitForm,
    WithdrawalDecisionForm,
    WithdrawForm,
)
from motcua.eservices.models import Draft
from motcua.eservices.uploads import streamed_uploads, too_large
from motcua.popdata import hooks as popdata_hooks
from motcua.postal.forms import PostalChoiceForm
from motcua.postal.services import postal_choice_record
from motcua.units.models import Role

View = Callable[..., HttpResponseBase]


def not_found_as_404(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None

    return wrapper


def citizen_page(view: View) -> View:
    return citizen_required(not_found_as_404(view))  # type: ignore[arg-type]


def _file_response(f: Any, content_type: str, name: str) -> FileResponse:
    resp = FileResponse(f.open("rb"), content_type=content_type, filename=name)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "sandbox"
    return resp


# ---- home, submission, drafts -------------------------------------------------------------------


@citizen_page
def home(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "")[:200]
    return render(
        request,
        "eservices/home.html",
        {
            "q": q,
            "procedures": sel.online_procedures(q)[:50],
            "drafts": sel.drafts_of(request.user)[:50],
        },
    )


def _applicant(profile: Any, form: SubmitForm) -> dict[str, str]:
    c = form.cleaned_data
    return {
        "kind": profile.kind if profile.kind in ApplicantKind.values else ApplicantKind.PERSON,
        "name": profile.name,
        "id_number": profile.id_number,
        "phone": c["phone"],
        "email": c["email"],
        "address": c["address"],
    }


def _submit_form(request: HttpRequest, procedure: Any, draft: Draft | None) -> SubmitForm:
    desks = sel.desks_for(procedure)
    store = sel.store_of(request.user)
    if request.method == "POST":
        form = SubmitForm(
            request.POST, request.FILES, procedure=procedure, desks=desks, store=store
        )
        form.mark_too_large(too_large(request))
        return form
    profile = citizen_of(request.user)
    initial: dict[str, Any] = {
        "phone": profile.phone,
        "email": profile.email,
        "address": profile.address,
    }
    if len(desks) == 1:
        initial["desk"] = desks[0].pk
    if draft is not None:
        a = draft.applicant
        initial.update(
            desk=draft.desk_id,
            phone=a.get("phone", ""),
            email=a.get("email", ""),
            address=a.get("address", ""),
            request=draft.request,
        )
    else:
        # a document already in the store under the same name is not asked for again
        for doc in procedure.documents.all():
            s = sel.store_prefill(request.user, procedure).get(doc.name)
            if s is not None:
                initial[f"doc_{doc.pk}_stored"] = s.pk
    return SubmitForm(initial=initial, procedure=procedure, desks=desks, store=store)


def _eform(request: HttpRequest, procedure: Any, draft: Draft | None) -> Any:
    """The procedure's application form (motcua.eforms), bound on POST; None without one."""
    from motcua.eforms.views import eform_for

    return eform_for(request, procedure, draft.form_data if draft is not None else None)


def _submit_page(
    request: HttpRequest,
    procedure: Any,
    draft: Draft | None,
    form: SubmitForm,
    status: int = 200,
    postal: PostalChoiceForm | None = None,
    eform: Any = None,
) -> HttpResponse:
    slots = {f.required_document: f for f in draft.files.all()} if draft else {}
    return render(
        request,
        "eservices/submit.html",
        {
            "procedure": procedure,
            "draft": draft,
            "form": form,
            "slots": slots,
            "profile": citizen_of(request.user),
            "offered": svc.procedure_offered_online(procedure),
            "postal_form": postal or _postal_initial(request),
            "eform": eform if eform is not None else _eform(request, procedure, draft),
        },
        status=status,
    )


def _postal_initial(request: HttpRequest) -> PostalChoiceForm:
    profile = citizen_of(request.user)
    initial = {"recipient_name": profile.name, "phone": profile.phone} if profile else {}
    return PostalChoiceForm(initial=initial, online=True)


def _submit(request: HttpRequest, procedure: Any, draft: Draft | None) -> HttpResponse:
    if not svc.procedure_offered_online(procedure):
        raise Http404("Thủ tục này không cung cấp dịch vụ công trực tuyến")
    if request.method == "GET" and draft is None:
        svc.store_collect(account=request.user)
    form = _submit_form(request, procedure, draft)
    if request.method != "POST":
        return _submit_page(request, procedure, draft, form)
    eform = _eform(request, procedure, draft)
    eform_ok = eform is None or eform.is_valid()
    if not form.is_valid() or not eform_ok:
        messages.error(request, "Thông tin chưa hợp lệ, vui lòng sửa các mục được đánh dấu.")
        return _submit_page(request, procedure, draft, form, status=400, eform=eform)
    c = form.cleaned_data
    postal = PostalChoiceForm(request.POST, online=True)  # issue 15 (motcua.postal)
    if c["action"] == "submit" and not postal.is_valid():
        messages.error(request, "Thông tin nhận kết quả qua bưu chính chưa hợp lệ.")
        return _submit_page(request, procedure, draft, form, status=400, postal=postal, eform=eform)
    try:
        draft = svc.draft_save(
            account=request.user,
            procedure=procedure,
            desk=c["desk"],
            applicant=_applicant(citizen_of(request.user), form),
            request=c["request"],
            uploads=form.uploads(),
            picks=form.picks(),
            clear=form.cleared(),
            draft=draft,
            form_data=eform.form_data() if eform is not None else None,
        )
        if c["action"] == "submit":
            with transaction.atomic():
                dossier = svc.draft_submit(account=request.user, draft=draft)
                postal_choice_record(actor=request.user, dossier=dossier, choice=postal.choice())
            popdata_hooks.online_submitted(request, dossier)  # identity check, never blocks
            messages.success(
                request,
                "Đã nộp hồ sơ trực tuyến. Bộ phận Một cửa sẽ kiểm tra và thông báo kết quả "
                "tiếp nhận.",
            )
            return redirect("eservices:dossier", pk=dossier.pk)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        saved = Draft.objects.filter(pk=draft.pk).first() if draft is not None else None
        return _submit_page(request, procedure, saved, form, status=400, postal=postal, eform=eform)
    messages.success(request, "Đã lưu bản nháp.")
    return redirect("eservices:draft", pk=draft.pk)


@citizen_page
@streamed_uploads
def submit(request: HttpRequest, procedure_id: int) -> HttpResponse:
    procedure = sel.online_procedures().filter(pk=procedure_id).first()
    if procedure is None:
        raise Http404("Thủ tục không có hoặc không cung cấp trực tuyến")
    return _submit(request, procedure, None)


@citizen_page
@streamed_uploads
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    d = sel.draft_get(request.user, pk)
    return _submit(request, d.procedure, d)


@citizen_page
@require_POST
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    svc.draft_delete(account=request.user, draft=sel.draft_get(request.user, pk))
    messages.success(request, "Đã xóa bản nháp.")
    return redirect("eservices:home")


@citizen_page
def draft_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    d = sel.draft_get(request.user, pk)
    f = d.files.filter(pk=file_id).exclude(file="").first()
    if f is None:
        raise Http404("Không có tệp")
    return _file_response(f.file, f.content_type, f.name)


# ---- the personal data store --------------------------------------------------------------------


@citizen_page
@streamed_uploads
def store(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = StoreUploadForm(request.POST, request.FILES)
        form.mark_too_large(too_large(request))
        if form.is_valid():
            try:
                svc.store_upload(
                    account=request.user,
                    title=form.cleaned_data["title"],
                    checked=form.cleaned_data["file"],
                )
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                messages.error(request, exc.message)
                status = 400
            else:
                messages.success(request, "Đã lưu giấy tờ vào kho dữ liệu.")
                return redirect("eservices:store")
        else:
            status = 400
    else:
        svc.store_collect(account=request.user)
        form = StoreUploadForm()
    return render(
        request,
        "eservices/store.html",
        {"form": form, "items": sel.store_of(request.user)},
        status=status,
    )


@citizen_page
def stored_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    s = sel.stored_get(request.user, pk)
    return _file_response(s.file, s.content_type, s.name)


@citizen_page
@require_POST
def stored_delete(request: HttpRequest, pk: int) -> HttpResponse:
    svc.store_delete(account=request.user, stored=sel.stored_get(request.user, pk))
    messages.success(request, "Đã xóa giấy tờ khỏi kho dữ liệu.")
    return redirect("eservices:store")


# ---- my dossiers --------------------------------------------------------------------------------


@citizen_page
def dossiers(request: HttpRequest) -> HttpResponse:
    f = StatusFilterForm(request.GET)
    chosen = f.cleaned_data.get("trang_thai", "") if f.is_valid() else ""
    rows = [(d, sel.plain_status(d)) for d in sel.my_dossiers(request.user, chosen)[:200]]
    return render(
        request,
        "eservices/dossiers.html",
        {"filter": f, "chosen": chosen, "rows": rows, "filters": sel.STATUS_FILTERS},
    )


def _dossier_page(
    request: HttpRequest,
    d: Any,
    *,
    send: SendDocumentsForm | None = None,
    withdraw: WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view = sel.dossier_view(d)
    items = [
        str(i.get("name", "")) for i in (view["open_request"].items if view["open_request"] else [])
    ]
    return render(
        request,
        "eservices/dossier.html",
        {
            "dossier": d,
            **view,
            "send_form": send or SendDocumentsForm(items=items),
            "withdraw_form": withdraw or WithdrawForm(),
        },
        status=status,
    )


@citizen_page
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    return _dossier_page(request, sel.my_dossier(request.user, pk))


@citizen_page
@streamed_uploads
@require_POST
def dossier_send(request: HttpRequest, pk: int) -> HttpResponse:
    d = sel.my_dossier(request.user, pk)
    open_request = sel.dossier_view(d)["open_request"]
    items = [str(i.get("name", "")) for i in (open_request.items if open_request else [])]
    form = SendDocumentsForm(request.POST, request.FILES, items=items)
    form.mark_too_large(too_large(request))
    if not form.is_valid():
        messages.error(request, "Chưa gửi được: " + " ".join(form.messages()))
        return _dossier_page(request, d, send=form, status=400)
    try:
        svc.dossier_send_documents(
            account=request.user, dossier=d, files=form.cleaned_data["files"]
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return _dossier_page(request, d, send=form, status=400)
    messages.success(request, "Đã gửi giấy tờ bổ sung.")
    return redirect("eservices:dossier", pk=d.pk)


@citizen_page
@require_POST
def dossier_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    d = sel.my_dossier(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.messages()))
        return _dossier_page(request, d, withdraw=form, status=400)
    reason = form.cleaned_data["reason"]
    not_received = sel.dossier_view(d)["can_cancel"]
    try:
        if not_received:  # nothing received yet: the applicant's own act, at once
            dsvc.dossier_submission_cancel(account=request.user, dossier=d, reason=reason)
        else:  # received: a request the desk confirms (ADR 0008)
            svc.withdrawal_request(account=request.user, dossier=d, reason=reason)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return _dossier_page(request, d, withdraw=form, status=400)
    if not_received:
        messages.success(request, "Đã hủy hồ sơ. Bộ phận Một cửa không xử lý hồ sơ này nữa.")
    else:
        messages.success(
            request, "Đã gửi yêu cầu rút hồ sơ. Bộ phận Một cửa sẽ xác nhận và thông báo cho bạn."
        )
    return redirect("eservices:dossier", pk=d.pk)


@citizen_page
def dossier_document(request: HttpRequest, pk: int, doc_id: int) -> HttpResponseBase:
    d = sel.my_dossier(request.user, pk)
    doc = Document.objects.filter(pk=doc_id, dossier=d).first()
    if doc is None:
        raise Http404("Không có tài liệu")
    return _file_response(doc.file, doc.content_type, doc.name)


@citizen_page
def dossier_form(request: HttpRequest, pk: int, form_id: int) -> HttpResponse:
    d = sel.my_dossier(request.user, pk)
    issued = IssuedForm.objects.filter(
        pk=form_id, dossier=d, form__in=list(sel.CITIZEN_FORMS)
    ).first()
    if issued is None:
        raise Http404("Không có phiếu này")
    try:
        doc = legal_forms.build(d, issued.form, issued)
    except LookupError:
        raise Http404("Không có phiếu này") from None
    resp = HttpResponse(legal_forms.render_pdf(doc), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="mau-{issued.form}-{issued.number}.pdf"'
    return resp


# ---- booking a counter visit --------------------------------------------------------------------


@citizen_page
def booking(request: HttpRequest) -> HttpResponse:
    procedures = sel.bookable_procedures()
    status = 200
    choice = BookingChoiceForm(request.GET or None, procedures=procedures)
    procedure = desk = None
    slots: Any = []
    desks: list[Any] = []
    if choice.is_bound and choice.is_valid():
        procedure = choice.cleaned_data["procedure"]
        desks = sel.desks_for(procedure, online_only=False)
        desk = choice.cleaned_data.get("desk")
        if desk is not None and desk not in desks:
            desk = None
        if desk is None and len(desks) == 1:
            desk = desks[0]
        if desk is not None:
            slots = sel.open_slots(desk)
    form = None
    if request.method == "POST":
        form = BookForm(
            request.POST,
            procedures=procedures,
            slots=sel.open_slots_any(),
        )
        if form.is_valid():
            try:
                b = svc.booking_create(
                    account=request.user,
                    slot=form.cleaned_data["slot"],
                    procedure=form.cleaned_data["procedure"],
                )
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                messages.error(request, exc.message)
                status = 400
            else:
                messages.success(
                    request, f"Đã đặt lịch. Mã đặt lịch của bạn: {b.code} (xuất trình tại quầy)."
                )
                return redirect("eservices:booking")
        else:
            messages.error(request, " ".join(form.messages()))
            status = 400
    return render(
        request,
        "eservices/booking.html",
        {
            "choice": choice,
            "procedure": procedure,
            "desk": desk,
            "desks": desks,
            "slots": slots,
            "bookings": sel.bookings_of(request.user)[:50],
        },
        status=status,
    )


@citizen_page
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    b = sel.bookings_of(request.user).filter(pk=pk).first()
    if b is None:
        raise Http404("Không tìm thấy lịch hẹn")
    try:
        svc.booking_cancel(account=request.user, booking=b)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("eservices:booking")
    messages.success(request, f"Đã hủy lịch hẹn {b.code}.")
    return redirect("eservices:booking")


# ---- the desk: withdrawal requests --------------------------------------------------------------


@login_required
@not_found_as_404
def staff_withdrawals(request: HttpRequest) -> HttpResponse:
    ids = agency_ids_for(request.user, [Role.COUNTER])
    if ids is not None and not ids:
        raise DjangoPermissionDenied("Bạn không phải cán bộ một cửa")
    status = 200
    if request.method == "POST":
        form = WithdrawalDecisionForm(request.POST)
        if form.is_valid():
            r = (
                sel.pending_withdrawals(None if ids is None else list(ids))
                .filter(pk=form.cleaned_data["request"])
                .first()
            )
            if r is None:
                raise Http404("Không có yêu cầu này")
            try:
                if form.cleaned_data["decision"] == "confirm":
                    d = svc.withdrawal_confirm(actor=request.user, request=r)
                    messages.success(request, f"Đã dừng giải quyết hồ sơ {d.code}.")
                else:
                    svc.withdrawal_decline(
                        actor=request.user, request=r, answer=form.cleaned_data["answer"]
                    )
                    messages.success(request, "Đã trả lời không chấp nhận yêu cầu rút hồ sơ.")
                return redirect("eservices:staff_withdrawals")
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, " ".join(form.messages()))
        status = 400
    return render(
        request,
        "eservices/staff_withdrawals.html",
        {
            "requests": sel.pending_withdrawals(None if ids is None else list(ids))[:200],
            "form": WithdrawalDecisionForm(),
        },
        status=status,
    )
