"""Public verification of signed results, the leader's signing button, the citizen's download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from motcua.backoffice.views._common import domain_errors
from motcua.citizens.access import citizen_required
from motcua.core.errors import NotFound
from motcua.dossiers.access import dossier_get_for
from motcua.esign import selectors
from motcua.esign.forms import SignResultForm, VerifyForm
from motcua.esign.services import issuing_agencies, result_sign
from motcua.esign.verify import sha256_of, verification_code, verify_pdf
from motcua.portal import throttle

#: Verifications one client may ask for in a window (a page, not an oracle for brute force).
RATE_LIMIT = 20
RATE_WINDOW = 600  # seconds


def _rate_limited(request: HttpRequest) -> bool:
    """Counted as every public limit is (``portal.throttle``): the client the trusted proxies
    saw (``MOTCUA_PROXY_HOPS``), an IPv6 client by its /64 (``throttle.subscriber``)."""
    return throttle.attempt(request, "esign-verify", rate=(RATE_LIMIT, RATE_WINDOW)) is not None


def _check(form: VerifyForm) -> dict[str, Any]:
    c = form.cleaned_data
    if c.get("file"):
        data = c["file"]
        issued = selectors.issued_result(sha256=sha256_of(data))
    else:
        issued = selectors.issued_result(prefix=c["code"])
        if issued is None:
            return {"not_found": True}
        try:
            data = selectors.document_bytes(issued)
        except OSError:  # the stored file is gone: say not found rather than fail
            return {"not_found": True}
    agencies = issuing_agencies(issued.dossier) if issued else None
    verdict = verify_pdf(data, agencies=agencies)
    return {
        "verdict": verdict,
        "issued": issued,
        "code": verification_code(verdict.sha256),
    }


def verify(request: HttpRequest) -> HttpResponse:
    """``/xac-thuc-ket-qua/``: anyone checks a result by its file or its verification code."""
    context: dict[str, Any] = {"form": VerifyForm()}
    status = 200
    if request.method == "POST":
        if _rate_limited(request):
            context["limited"] = True
            return render(request, "esign/verify.html", context, status=429)
        form = VerifyForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            context.update(_check(form))
        else:
            status = 400
    return render(request, "esign/verify.html", context, status=status)


@require_POST
@login_required
@domain_errors
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The issuing agency's leader signs the result draft with the agency's certificate."""
    d = dossier_get_for(request.user, pk)
    back = reverse("backoffice:dossier", args=[d.code or d.pk])
    form = SignResultForm(request.POST, request.FILES, dossier=d)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect(back)
    c = form.cleaned_data
    doc = result_sign(
        actor=request.user, dossier=d, checked=c["file"], expected_version=c["version"]
    )
    messages.success(
        request,
        f"Đã ký số và đính kèm kết quả điện tử; mã xác thực {verification_code(doc.sha256)}.",
    )
    return redirect(back)


@citizen_required
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A citizen downloads an electronic result of one of their own dossiers (else 404)."""
    from django.http import Http404

    try:
        doc = selectors.citizen_result_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    response = FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)
    response["Content-Type"] = "application/pdf"
    response["X-Content-Type-Options"] = "nosniff"
    return response
