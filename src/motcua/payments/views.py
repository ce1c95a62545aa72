"""Payment pages: thin, over ``services`` / ``selectors``; inputs through ``forms``.

The citizen's pages ask ``citizens.access``; the staff pages ask ``dossiers.access`` (through
the selectors) and map domain errors with the back office's ``domain_errors``. The IPN endpoint
answers the gateway's JSON convention (``RspCode``/``Message``) whatever it receives.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.backoffice.views._common import domain_errors
from motcua.citizens.access import citizen_required
from motcua.core.errors import DomainError, NotFound
from motcua.dossiers.access import agency_ids_for
from motcua.payments import gateway as gw
from motcua.payments import selectors as sel
from motcua.payments import services as svc
from motcua.payments.forms import CancelForm, CounterPaymentForm, ReconcileForm
from motcua.payments.models import NotificationKind, PaymentAttempt, PaymentRequest, PaymentStatus
from motcua.payments.receipts import receipt_pdf
from motcua.payments.reconcile import reconcile
from motcua.portal.throttle import client_ip

log = logging.getLogger(__name__)


def _citizen_page(request: HttpRequest, dossier_pk: int) -> str:
    """The citizen's dossier page (eservices), where the payment panel is."""
    return reverse("eservices:dossier", args=[dossier_pk])


def _client_ip(request: HttpRequest) -> str:
    """The client's address as the nearest trusted proxy saw it (MOTCUA_PROXY_HOPS)."""
    return client_ip(request)[:64]


# ---- citizen -----------------------------------------------------------------------------------


@citizen_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        payment = sel.citizen_payment(request.user, pk)
        now = timezone.now()
        attempt = svc.payment_start_online(user=request.user, payment=payment, now=now)
    except NotFound as exc:
        return render(request, "payments/message.html", {"message": exc.message}, status=404)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_citizen_page(request, pk))
    url = svc.start_url(
        attempt,
        return_url=request.build_absolute_uri(reverse("payments:return")),
        ip=_client_ip(request),
        now=now,
    )
    return redirect(url)


@citizen_required
@require_GET
def citizen_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        receipt = sel.citizen_receipt(request.user, pk)
    except NotFound as exc:
        return render(request, "payments/message.html", {"message": exc.message}, status=404)
    return _pdf(receipt)


def _pdf(receipt: object) -> HttpResponse:
    resp = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")  # type: ignore[arg-type]
    resp["Content-Disposition"] = (
        f'inline; filename="bien-lai-{receipt.number:07d}-{receipt.year}.pdf"'  # type: ignore[attr-defined]
    )
    return resp


# ---- gateway -----------------------------------------------------------------------------------


@require_GET
def gateway_return(request: HttpRequest) -> HttpResponse:
    """The browser back from the gateway: verified like the IPN (a forged or tampered return
    changes nothing); the page shows what the system has recorded."""
    outcome = svc.gateway_notification_process(
        kind=NotificationKind.RETURN, params=gw.flat(request.GET), remote_addr=_client_ip(request)
    )
    attempt: PaymentAttempt | None = outcome.attempt
    trusted = outcome.verdict not in ("bad_signature", "bad_request", "wrong_merchant")
    owner = (
        attempt is not None
        and request.user.is_authenticated
        and attempt.payment.dossier.account_id == request.user.pk
    )
    payment, state = None, ""
    if owner and attempt is not None:
        payment = PaymentRequest.objects.select_related("dossier").get(pk=attempt.payment_id)
        state = attempt.status
        if state == PaymentStatus.PAID and payment.gateway_txn_ref != attempt.txn_ref:
            state = "double"
    context = {
        "trusted": trusted,
        "payment": payment,
        "state": state,
        "back": _citizen_page(request, payment.dossier_id) if payment else "/",
    }
    return render(request, "payments/return.html", context, status=200 if trusted else 400)


@csrf_exempt  # server-to-server: authenticated by the HMAC signature, not by a cookie
@require_http_methods(["GET", "POST"])
def ipn(request: HttpRequest) -> HttpResponse:
    source = request.GET if request.method == "GET" else request.POST
    try:
        outcome = svc.gateway_notification_process(
            kind=NotificationKind.IPN, params=gw.flat(source), remote_addr=_client_ip(request)
        )
    except Exception:  # the gateway gets its convention's answer and retries later
        log.exception("IPN processing failed")
        return JsonResponse({"RspCode": gw.RSP_OTHER[0], "Message": gw.RSP_OTHER[1]})
    return JsonResponse(outcome.answer)


# ---- staff -------------------------------------------------------------------------------------


def _back_to_dossier(payment: object) -> HttpResponse:
    d = payment.dossier  # type: ignore[attr-defined]
    return redirect("backoffice:dossier", code=d.code or str(d.pk))


def _invalid(request: HttpRequest, pk: int, name: str, form: object) -> HttpResponse:
    from motcua.backoffice.views.dossier import _page
    from motcua.dossiers.access import dossier_get_for

    return _page(request, dossier_get_for(request.user, pk), {name: form}, status=400)  # type: ignore[dict-item]


@login_required
@domain_errors
@require_POST
def record_counter(request: HttpRequest, pk: int) -> HttpResponse:
    payment = sel.staff_payment(request.user, pk)
    form = CounterPaymentForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, "payment", form)
    receipt = svc.payment_record_counter(
        actor=request.user,
        payment=payment,
        channel=form.cleaned_data["channel"],
        reference=form.cleaned_data["reference"],
    )
    messages.success(request, f"Đã thu phí, lệ phí; biên lai số {receipt.label}.")
    return _back_to_dossier(payment)


@login_required
@domain_errors
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    payment = sel.staff_payment(request.user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, "payment_cancel", form)
    svc.payment_cancel(actor=request.user, payment=payment, reason=form.cleaned_data["reason"])
    messages.success(request, "Đã hủy khoản thu.")
    return _back_to_dossier(payment)


@login_required
@domain_errors
@require_GET
def staff_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(sel.staff_receipt(request.user, pk))


@login_required
@domain_errors
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    ids = agency_ids_for(request.user)
    if ids is not None and not ids:
        raise DjangoPermissionDenied("Trang đối soát dành cho cán bộ")
    data = request.GET if "ngay" in request.GET else None
    form = ReconcileForm(data or {"ngay": timezone.localdate().isoformat()})
    result, error = None, ""
    if form.is_valid():
        rows = None
        if form.cleaned_data["cong"]:
            try:
                rows = gw.list_transactions(form.cleaned_data["ngay"], now=timezone.now())
            except gw.GatewayError as exc:
                error = exc.message
        result = reconcile(
            day=form.cleaned_data["ngay"],
            agency_ids=None if ids is None else sorted(ids),
            gateway_rows=rows,
        )
    return render(
        request,
        "payments/reconciliation.html",
        {"form": form, "result": result, "error": error},
        status=200 if form.is_valid() else 400,
    )
