"""Postal pages: the desk's hand-over (staff, CSRF, scoped by ``dossiers.access``) and the
operator's status callback (authenticated by its HMAC signature; RFC 9457 problem details for
anything refused, nothing changed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.backoffice.views._common import domain_errors
from motcua.core.text import ascii_digits
from motcua.dossiers.access import dossier_get_for
from motcua.postal import services as svc
from motcua.postal.forms import HandoverForm
from motcua.postal.models import EventSource, ShipmentKind
from motcua.postal.operators import CallbackRejected, OperatorRefused, OperatorUnavailable, operator

PROBLEM_JSON = "application/problem+json"
TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    404: "Không tìm thấy",
    413: "Nội dung quá lớn",
    415: "Kiểu nội dung không được hỗ trợ",
    422: "Không xử lý được",
    503: "Chưa sẵn sàng",
}
MAX_CALLBACK = 64 * 1024


def problem(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {
            "type": "about:blank",
            "title": TITLES.get(status, "Lỗi"),
            "status": status,
            "detail": message,
            "code": code,
            "message": message,
        },
        status=status,
        content_type=PROBLEM_JSON,
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@domain_errors
@require_POST
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    d = dossier_get_for(request.user, pk)
    form = HandoverForm(request.POST, prefix="postal")
    if not form.is_valid():
        from motcua.backoffice.views.dossier import _page

        return _page(request, d, {"postal": form}, status=400)
    try:
        shipment = svc.shipment_handover(
            actor=request.user,
            dossier=d,
            weight_g=form.cleaned_data["weight_g"],
            kind=form.cleaned_data["kind"] or ShipmentKind.RESULT,
            expected_version=form.cleaned_data["version"],
        )
    except (OperatorUnavailable, OperatorRefused) as exc:
        messages.error(
            request, f"Chưa giao được cho bưu chính: {exc.message}. Hồ sơ không thay đổi."
        )
        return redirect("backoffice:dossier", code=d.code or str(d.pk))
    what = (
        "Đã đặt thu gom hồ sơ giấy"
        if shipment.kind == ShipmentKind.PICKUP
        else "Đã giao kết quả cho bưu chính"
    )
    messages.success(request, f"{what}, số hiệu bưu gửi {shipment.item_code}.")
    return redirect("backoffice:dossier", code=d.code or str(d.pk))


@csrf_exempt  # server to server: authenticated by the operator's HMAC signature instead
@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    if not request.content_type.startswith("application/json"):
        return problem(415, "unsupported_media_type", "Nội dung phải là JSON")
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not ascii_digits(length) or int(length) > MAX_CALLBACK:
        return problem(413, "too_large", "Nội dung quá lớn")
    body = request.body
    now = timezone.now()
    try:
        report = operator().parse_callback(headers=request.headers, body=body, now=now)
        result = svc.shipment_report(report=report, source=EventSource.WEBHOOK, now=now)
    except CallbackRejected as exc:
        return problem(exc.status, exc.code, exc.message)
    return JsonResponse(
        {
            "ok": True,
            "ItemCode": result.shipment.item_code,
            "duplicate": result.duplicate,
            "applied": result.applied,
            "status": result.shipment.status,
        }
    )
