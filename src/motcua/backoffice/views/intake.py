"""Counter intake."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.backoffice.views._common import (
    _checked,
    _desks,
    _int,
    domain_errors,
)
from motcua.catalog.models import Procedure
from motcua.core.errors import PermissionDenied
from motcua.dossiers import forms as legal_forms
from motcua.dossiers import services as svc
from motcua.dossiers.models import (
    ApplicantKind,
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
