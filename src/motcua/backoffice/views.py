"""The staff web: thin views that parse input, call one service or selector, and render.

Authorization lives in ``dossiers.access`` and the services; every view goes through them.
Domain errors become a Vietnamese message (and 403/404 for permission/visibility).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_search
from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.dossiers import forms as legal_forms
from motcua.dossiers import services as svc
from motcua.dossiers.access import (
    agency_ids_for,
    dossier_get_for,
    dossiers_visible_to,
    has_role,
)
from motcua.dossiers.files import MAX_BYTES, CheckedFile, check_upload
from motcua.dossiers.models import (
    OPEN_STATUSES,
    ApplicantKind,
    Consultation,
    Document,
    Dossier,
    FormType,
    IssuedForm,
    Status,
)
from motcua.dossiers.selectors import (
    assignable,
    consultations_overdue,
    dossier_flags,
    dossier_search,
    queue_for,
    step_rows,
    time_left_text,
    tracking_book,
)
from motcua.units.models import Agency, Role

View = Callable[..., HttpResponse]


def domain_errors(view: View) -> View:
    """Map domain errors once: permission → 403, not found → 404, the rest → a message."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
            back = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/can-bo/"
            if not back.startswith("/"):
                back = "/can-bo/"
            return redirect(back)

    return wrapper


def _desks(request: HttpRequest) -> list[Agency]:
    ids = agency_ids_for(request.user, [Role.COUNTER])
    qs = Agency.objects.filter(receives_dossiers=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs.order_by("level", "code")[:300])


# ---- pages -----------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("backoffice:queue")


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = queue_for(request.user, now=now)
    cal_day = 8 * 3600
    context = {
        "rows": rows,
        "day": cal_day,
        "online_waiting": dossiers_visible_to(request.user)
        .filter(status=Status.SUBMITTED, receiving_agency__in=_desks(request))
        .count(),
        "late_consultations": consultations_overdue(request.user, now=now)[:20],
        "now": now,
    }
    return render(request, "backoffice/queue.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    results = list(dossier_search(request.user, q)) if q else []
    partial = request.headers.get("HX-Request") == "true"
    template = "backoffice/_search_results.html" if partial else "backoffice/search.html"
    return render(request, template, {"q": q, "results": results})


@login_required
def procedures(request: HttpRequest) -> HttpResponse:
    """htmx: procedures matching the query, without diacritics, in force today at the desk."""
    q = request.GET.get("q", "").strip()
    desk_id = request.GET.get("desk", "")
    desks = {str(d.pk): d for d in _desks(request)}
    desk = desks.get(desk_id) or next(iter(desks.values()), None)
    results: list[Procedure] = []
    if q and desk is not None:
        qs = procedure_search(q, on=timezone.localdate())
        level_field = {1: "at_province", 2: "at_district", 3: "at_commune"}[desk.level]
        results = list(qs.filter(**{level_field: True})[:20])
    return render(
        request, "backoffice/_procedures.html", {"results": results, "desk": desk, "q": q}
    )


@login_required
@domain_errors
def intake(request: HttpRequest) -> HttpResponse:
    desks = _desks(request)
    if not desks:
        raise PermissionDenied("Bạn không phải cán bộ một cửa", code="permission_denied")
    desk = next(
        (d for d in desks if str(d.pk) == request.POST.get("desk", request.GET.get("desk"))),
        desks[0],
    )
    proc_id = request.POST.get("procedure") or request.GET.get("procedure")
    procedure = None
    if proc_id and proc_id.isdigit():
        procedure = (
            Procedure.objects.filter(pk=int(proc_id)).prefetch_related("documents", "fees").first()
        )
    if request.method == "POST" and procedure is not None:
        intake_data = _intake_from_post(request, procedure)
        if request.POST.get("action") == "refuse":
            d = svc.counter_refuse(
                actor=request.user,
                desk=desk,
                intake=intake_data,
                reasons=request.POST.get("refuse_reasons", ""),
            )
            messages.warning(request, "Đã lập Phiếu từ chối tiếp nhận (Mẫu 03).")
            return redirect("backoffice:print_form", pk=d.pk, form="03")
        d = svc.dossier_receive(actor=request.user, desk=desk, intake=intake_data)
        messages.success(
            request, f"Đã tiếp nhận hồ sơ {d.code}. Hẹn trả: {legal_forms.short(d.appointment_at)}."
        )
        return redirect("backoffice:dossier", code=d.code)
    return render(
        request,
        "backoffice/intake.html",
        {
            "desks": desks,
            "desk": desk,
            "procedure": procedure,
            "kinds": ApplicantKind.choices,
            "post": request.POST,
        },
    )


def _intake_from_post(request: HttpRequest, procedure: Procedure) -> svc.Intake:
    p = request.POST
    checklist = []
    scans = []
    for doc in procedure.documents.all():
        key = f"doc_{doc.pk}"
        checklist.append(
            svc.ChecklistEntry(
                doc.name,
                _int(p.get(f"{key}_originals"), doc.originals),
                _int(p.get(f"{key}_copies"), doc.copies),
                p.get(f"{key}_submitted") == "on",
                doc.mandatory,
            )
        )
        upload = request.FILES.get(f"{key}_scan")
        if upload is not None:
            scans.append((doc.name, _checked(upload)))
    return svc.Intake(
        procedure=procedure,
        applicant=svc.ApplicantData(
            name=p.get("name", ""),
            id_number=p.get("id_number", ""),
            kind=p.get("kind", ApplicantKind.PERSON)
            if p.get("kind") in ApplicantKind.values
            else ApplicantKind.PERSON,
            phone=p.get("phone", ""),
            email=p.get("email", ""),
            address=p.get("address", ""),
        ),
        request=p.get("request", ""),
        checklist=checklist,
        scans=scans,
        proxy_name=p.get("proxy_name", ""),
        proxy_id_number=p.get("proxy_id_number", ""),
        sets=_int(p.get("sets"), 1),
        result_place=p.get("result_place", ""),
    )


def _items(request: HttpRequest) -> list[dict[str, Any]]:
    """Documents to supplement, one per line of the form's text box."""
    return [
        {"name": line.strip(), "originals": 0, "copies": 1}
        for line in request.POST.get("items", "").splitlines()
        if line.strip()
    ]


def _upload(request: HttpRequest, message: str) -> CheckedFile:
    upload = request.FILES.get("file")
    if upload is None:
        raise svc.ValidationFailed(message, code="file_required")
    return _checked(upload)


def _checked(upload: Any) -> CheckedFile:
    """Refuse an oversized upload before reading it into memory, then check its bytes."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise svc.ValidationFailed(
            f"Tệp {upload.name} vượt quá {MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
        )
    return check_upload(upload.name or "", upload.read())


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, int(value or default))
    except ValueError:
        return default


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


def _days(value: str | None) -> Decimal:
    try:
        d = Decimal((value or "").replace(",", "."))
    except InvalidOperation:
        raise svc.ValidationFailed("Số ngày không hợp lệ", code="bad_days") from None
    if not d.is_finite() or d <= 0:
        raise svc.ValidationFailed("Số ngày phải lớn hơn 0", code="bad_days")
    return d


def _local_input(value: str | None) -> dt.datetime:
    try:
        naive = dt.datetime.fromisoformat(value or "")
    except ValueError:
        raise svc.ValidationFailed("Ngày giờ không hợp lệ", code="bad_datetime") from None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


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
        raise svc.ValidationFailed("Chọn cán bộ được phân công", code="handler_required")
    svc.step_assign(
        actor=request.user, dossier=d, step=_int(request.POST.get("step"), 0), handler=handler
    )
    return f"Đã phân công {handler.get_full_name() or handler.get_username()}."


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
        raise svc.ValidationFailed("Chọn cơ quan nhận", code="agency_required")
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
            raise svc.ValidationFailed("Cơ quan phối hợp không tồn tại", code="agency_required")
        tasks.append(svc.ParallelTask(agency, task, _days(days)))
    svc.dossier_dispatch_parallel(actor=request.user, dossier=d, tasks=tasks, expected_version=v)
    return "Đã chuyển liên thông đồng thời."


@action("consult")
def _consult(request: HttpRequest, d: Dossier, v: int | None) -> str:
    target = Agency.objects.filter(pk=_int(request.POST.get("agency"), 0)).first()
    if target is None:
        raise svc.ValidationFailed("Chọn cơ quan được lấy ý kiến", code="agency_required")
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


@login_required
@domain_errors
def book(request: HttpRequest) -> HttpResponse:
    desks = _desks(request)
    desk = next(
        (x for x in desks if str(x.pk) == request.GET.get("desk")), desks[0] if desks else None
    )
    if desk is None:
        raise PermissionDenied("Bạn không phải cán bộ một cửa", code="permission_denied")
    year = _int(request.GET.get("year"), timezone.localdate().year)
    first = _date(request.GET.get("from"))
    last = _date(request.GET.get("to"))
    rows = list(tracking_book(desk.pk, year, first=first, last=last)[:2000])
    doc = legal_forms.tracking_book(desk, year, rows)
    if request.GET.get("pdf"):
        resp = HttpResponse(legal_forms.render_pdf(doc), content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="so-theo-doi-{year}.pdf"'
        return resp
    return render(
        request,
        "backoffice/book.html",
        {
            "doc": doc,
            "desks": desks,
            "desk": desk,
            "year": year,
            "rows": rows,
            "first": first,
            "last": last,
        },
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def online(request: HttpRequest) -> HttpResponse:
    desks = _desks(request)
    rows = (
        dossiers_visible_to(request.user)
        .filter(status=Status.SUBMITTED, receiving_agency__in=desks, channel="online")
        .select_related("procedure", "receiving_agency")
        .order_by("submitted_at")[:200]
    )
    return render(request, "backoffice/online.html", {"rows": rows})


@login_required
@domain_errors
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = Document.objects.filter(pk=pk).select_related("dossier").first()
    if doc is None or not dossiers_visible_to(request.user).filter(pk=doc.dossier_id).exists():
        raise Http404("Không có tài liệu")
    resp = FileResponse(
        doc.file.open("rb"), content_type=doc.content_type, as_attachment=False, filename=doc.name
    )
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "sandbox"
    return resp


# ---- reports --------------------------------------------------------------------------------

REPORT_ROLES = (Role.LEADER, Role.PROVINCE_ADMIN, Role.AGENCY_ADMIN)


def _report_scope(request: HttpRequest) -> list[int] | None:
    """Leaders see their agencies; a province administrator the whole province."""
    ids = agency_ids_for(request.user, REPORT_ROLES)
    if ids is not None and not ids:
        raise PermissionDenied(
            "Trang báo cáo dành cho lãnh đạo và quản trị", code="permission_denied"
        )
    return None if ids is None else sorted(ids)


def _report_period(request: HttpRequest) -> Any:
    from motcua.reports.selectors import Period, period_preset

    today = timezone.localdate()
    first, last = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if first and last and first <= last:
        return Period(first, last)
    year = _int(request.GET.get("year"), today.year)
    kind = request.GET.get("kind", "6")
    number = _int(request.GET.get("n"), 1)
    try:
        return period_preset(year, kind, number)
    except (ValueError, KeyError):
        return period_preset(year, "6")


@login_required
@domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    from motcua.reports import charts
    from motcua.reports.indices import index766, targets_vs_actual
    from motcua.reports.selectors import LEVEL_NAMES, report

    ids = _report_scope(request)
    period = _report_period(request)
    rep = report(period, agency_ids=ids)
    agencies = sorted(rep["by_agency"], key=lambda a: -a["received"])[:15]
    late_chart = charts.hbars(
        [(a["agency"], a["late_rate"]) for a in agencies],
        title="Tỷ lệ giải quyết trễ hạn theo cơ quan (%)",
    )
    months = rep["by_month"]
    trend = charts.columns(
        [m["month"] for m in months],
        [
            ("Tiếp nhận", charts.BLUE, [m["received"] for m in months]),
            ("Đã giải quyết", charts.GREEN, [m["resolved"] for m in months]),
            ("Trễ hạn", charts.RED, [m["late"] for m in months]),
        ],
        title="Diễn biến theo tháng",
    )
    levels = [(k, LEVEL_NAMES[k], v) for k, v in rep["levels"].items()]
    online = charts.hbars(
        [
            (
                LEVEL_NAMES[k],
                round(100 * v["received_online"] / v["received_new"], 2)
                if v["received_new"]
                else 0.0,
            )
            for k, v in rep["levels"].items()
        ],
        title="Tỷ lệ hồ sơ tiếp nhận trực tuyến (%)",
        max_value=100,
        color=charts.BLUE,
    )
    context = {
        "rep": rep,
        "period": period,
        "levels": levels,
        "late_chart": late_chart,
        "trend": trend,
        "online_chart": online,
        "index": index766(period) if ids is None else None,
        "targets": targets_vs_actual(period) if ids is None else [],
        "years": range(timezone.localdate().year, 2017, -1),
        "kinds": [
            ("6", "6 tháng"),
            ("9", "9 tháng"),
            ("year", "Cả năm"),
            ("quarter", "Quý"),
            ("month", "Tháng"),
        ],
        "kind": request.GET.get("kind", "6"),
        "n": _int(request.GET.get("n"), 1),
        "query": request.GET.urlencode(),
        "drillable": [
            "on_time",
            "online_dossiers",
            "online_payments",
            "digitized",
            "electronic_results",
        ],
    }
    return render(request, "backoffice/dashboard.html", context)


@login_required
@domain_errors
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    from motcua.reports.exports import bieu06_rows, to_docx, to_xlsx
    from motcua.reports.selectors import report

    ids = _report_scope(request)
    period = _report_period(request)
    rep = report(period, agency_ids=ids)
    name = f"bao-cao-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if fmt == "xlsx":
        resp = HttpResponse(
            to_xlsx(rep, bieu06_rows(rep)),
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    elif fmt == "docx":
        resp = HttpResponse(
            to_docx(rep),
            content_type=(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
        )
    else:
        raise Http404("Không có định dạng này")
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


@login_required
@domain_errors
def report_drill_down(request: HttpRequest, criterion: str) -> HttpResponse:
    """The dossiers that cost points on a criterion of the service index."""
    from motcua.reports.indices import DRILL_DOWN, drill_down
    from motcua.reports.selectors import scope_for

    if criterion not in DRILL_DOWN:
        raise Http404("Không có tiêu chí này")
    ids = _report_scope(request)
    period = _report_period(request)
    scope = scope_for(agency_ids=ids) if ids is not None else None
    rows = list(drill_down(period, criterion, scope=scope))
    return render(
        request,
        "backoffice/drill_down.html",
        {
            "rows": rows,
            "title": DRILL_DOWN[criterion],
            "period": period,
            "query": request.GET.urlencode(),
        },
    )
