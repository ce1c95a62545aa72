"""Counter intake: receive, refuse (Mẫu 03) or guide (Mẫu 02) a paper dossier.

A failed intake never loses what the officer typed: the page comes back filled, with the form's
messages next to the fields and the service's message on top (HTTP 400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.backoffice.forms import IntakeForm, IntakeTargetForm
from motcua.backoffice.views._common import _desks, domain_errors
from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.dossiers import forms as legal_forms
from motcua.dossiers import services as svc
from motcua.dossiers.access import dossiers_visible_to
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.popdata import hooks as popdata_hooks
from motcua.postal.forms import PostalChoiceForm
from motcua.postal.services import postal_choice_record
from motcua.units.models import Agency


@login_required
@domain_errors
def intake(request: HttpRequest) -> HttpResponse:
    desks = _desks(request)
    if not desks:
        raise PermissionDenied("Bạn không phải cán bộ một cửa", code="permission_denied")
    posted = request.method == "POST"
    target = IntakeTargetForm(desks, request.POST if posted else request.GET)
    target.is_valid()
    desk = target.cleaned_data.get("desk") or desks[0]
    procedure = target.cleaned_data.get("procedure")
    if not posted:
        if request.GET.get("lich"):  # a counter visit booked on the portal: prefilled from it
            return _booked(request, desks, request.GET["lich"])
        return _page(request, desks, desk, IntakeForm(procedure) if procedure else None)
    if procedure is None:
        for line in target.messages():
            messages.error(request, line)
        return _page(request, desks, desk, None, status=400)
    form = IntakeForm(procedure, request.POST, request.FILES)
    if not form.is_valid() or target.errors:
        for line in target.messages():
            messages.error(request, line)
        messages.error(request, "Thông tin nhập chưa hợp lệ, vui lòng sửa các mục được đánh dấu.")
        return _page(request, desks, desk, form, status=400)
    problem = popdata_hooks.counter_problem(request, form)  # a mismatch received needs a reason
    if problem:
        messages.error(request, problem)
        return _page(request, desks, desk, form, status=400)
    postal = PostalChoiceForm(request.POST)  # issue 15: the result by post (motcua.postal)
    if (form.cleaned_data["action"] or "receive") == "receive" and not postal.is_valid():
        messages.error(request, "Thông tin nhận kết quả qua bưu chính chưa hợp lệ.")
        return _page(request, desks, desk, form, status=400, postal=postal)
    try:
        return _decide(request, desk, form, postal)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        guide = exc.code in ("incomplete_dossier", "supplement_items_required")
        return _page(request, desks, desk, form, status=400, guide=guide, postal=postal)


def _booked(request: HttpRequest, desks: list[Agency], code: str) -> HttpResponse:
    from motcua.eservices.selectors import booking_applicant, booking_for_desks

    b = booking_for_desks(code[:40], [d.pk for d in desks])
    if b is None:
        messages.error(
            request, "Không tìm thấy lịch hẹn còn hiệu lực với mã này tại nơi tiếp nhận."
        )
        return _page(request, desks, desks[0], None, status=404)
    messages.info(
        request,
        f"Lịch hẹn {b.code}: {b.slot.date:%d/%m/%Y} {b.slot.start:%H:%M}, thông tin người nộp "
        "lấy từ tài khoản đã đặt lịch.",
    )
    form = IntakeForm(b.procedure, initial=booking_applicant(b))
    return _page(request, desks, b.slot.desk, form, booking=b.code)


def _decide(
    request: HttpRequest, desk: Agency, form: IntakeForm, postal: PostalChoiceForm | None = None
) -> HttpResponse:
    """The one service the officer's decision calls."""
    action = form.cleaned_data["action"] or "receive"
    d: Dossier
    if action == "refuse":
        d = svc.counter_refuse(
            actor=request.user,
            desk=desk,
            intake=form.intake(),
            reasons=form.cleaned_data["refuse_reasons"],
        )
        messages.warning(request, "Đã lập Phiếu từ chối tiếp nhận (Mẫu 03).")
        return redirect("backoffice:print_form", pk=d.pk, form="03")
    if action == "guide":
        d = svc.counter_guidance_issue(
            actor=request.user,
            desk=desk,
            intake=form.intake(),
            missing=form.missing_items(),
            reason=form.cleaned_data["guide_reason"],
        )
        messages.warning(
            request,
            "Đã lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02). Khi người nộp quay lại "
            "với hồ sơ đầy đủ, tiếp nhận từ trang này.",
        )
        return redirect("backoffice:dossier", code=d.pk)
    booking = request.POST.get("lich", "")[:40]
    with transaction.atomic():  # the receipt and the booking it came from, together
        d = svc.dossier_receive(actor=request.user, desk=desk, intake=form.intake())
        popdata_hooks.counter_received(request, d)  # the population-database check, if any
        if postal is not None and postal.is_valid():
            postal_choice_record(actor=request.user, dossier=d, choice=postal.choice())
        if booking:
            from motcua.eservices.services import booking_use

            booking_use(actor=request.user, code=booking, dossier=d)
    messages.success(
        request, f"Đã tiếp nhận hồ sơ {d.code}. Hẹn trả: {legal_forms.short(d.appointment_at)}."
    )
    return redirect("backoffice:dossier", code=d.code)


def _page(
    request: HttpRequest,
    desks: list[Agency],
    desk: Agency,
    form: IntakeForm | None,
    *,
    status: int = 200,
    guide: bool = False,
    booking: str = "",
    postal: PostalChoiceForm | None = None,
) -> HttpResponse:
    missing: set[str] = set()
    if form is not None and form.is_bound:
        posted: Any = form.data  # a QueryDict
        missing = set(posted.getlist("missing"))
        if guide and not missing and hasattr(form, "cleaned_data"):
            missing = {str(d.pk) for d in form.unticked()}
    return render(
        request,
        "backoffice/intake.html",
        {
            "desks": desks,
            "desk": desk,
            "form": form,
            "procedure": form.procedure if form is not None else None,
            "missing": missing,
            "guided": _guided(request, desks),
            # the booked visit the page was opened from (carried through the POST)
            "postal_form": postal or PostalChoiceForm(),
            "booking": booking or (request.POST.get("lich", "")[:12] if form is not None else ""),
            "guide_open": guide
            or bool(form is not None and form.is_bound and form["guide_reason"].errors),
        },
        status=status,
    )


def _guided(request: HttpRequest, desks: list[Agency]) -> list[Dossier]:
    """Paper dossiers guided with Mẫu 02 at these desks, waiting for the applicant's return."""
    return list(
        dossiers_visible_to(request.user)
        .filter(status=Status.NEEDS_COMPLETION, receiving_agency__in=desks)
        .exclude(channel=Channel.ONLINE)
        .select_related("procedure")
        .order_by("-submitted_at")[:50]
    )
