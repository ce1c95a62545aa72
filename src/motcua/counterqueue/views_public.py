"""The public pages of the counter queue: the kiosk (no login) and the calling screen."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from motcua.catalog.models import Field
from motcua.core.errors import DomainError
from motcua.counterqueue import selectors, services
from motcua.counterqueue.forms import BookingCodeForm, TakeForm
from motcua.counterqueue.models import Ticket
from motcua.portal.throttle import client_ip, subscriber
from motcua.units.models import Agency

SALT = "counterqueue.receipt"


def _rate() -> tuple[int, int]:
    """Tickets per client address and window: ``MOTCUA_KIOSK_RATE`` (a kiosk is one address, so
    the default lets a busy center's kiosk work while a script cannot drain the numbers)."""
    return tuple(getattr(settings, "MOTCUA_KIOSK_RATE", (60, 600)))  # type: ignore[return-value]


def _throttled(request: HttpRequest) -> int | None:
    tries, window = _rate()
    bucket = int(time.time()) // max(1, window)
    who = subscriber(client_ip(request))  # an IPv6 client by its /64, as the look-up's counter
    digest = hashlib.sha256(who.encode("utf-8", "replace")).hexdigest()[:32]
    key = f"counterqueue:kiosk:{bucket}:{digest}"
    cache.add(key, 0, timeout=window + 1)
    try:
        n = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window + 1)
        n = 1
    return None if n <= tries else max(1, window - int(time.time()) % max(1, window))


def _agency(pk: int) -> Agency:
    a = get_object_or_404(Agency, pk=pk, receives_dossiers=True)
    if not a.queue_desks.filter(active=True).exists():
        raise Http404("Nơi tiếp nhận chưa mở quầy")
    return a


@require_GET
def kiosk_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "counterqueue/kiosk_index.html",
        {"agencies": selectors.kiosk_agencies().order_by("level", "name")[:200]},
    )


def _kiosk_page(
    request: HttpRequest,
    agency: Agency,
    *,
    error: str = "",
    status: int = 200,
    field: Field | None = None,
) -> HttpResponse:
    ctx = {
        "agency": agency,
        "fields": selectors.agency_fields(agency),
        "field": field,
        "procedures": selectors.field_procedures(agency, field) if field else [],
        "error": error,
        "booking_form": BookingCodeForm(),
    }
    return render(request, "counterqueue/kiosk.html", ctx, status=status)


@require_GET
def kiosk(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(pk)
    chosen = request.GET.get("linh-vuc", "")
    field = None
    if chosen:
        field = next((f for f in selectors.agency_fields(agency) if str(f.pk) == chosen), None)
        if field is None:
            return _kiosk_page(request, agency, error="Lĩnh vực không có tại đây.", status=404)
    return _kiosk_page(request, agency, field=field)


def _receipt_redirect(agency: Agency, t: Ticket) -> HttpResponse:
    token = signing.dumps(t.pk, salt=SALT)
    return redirect("counterqueue:receipt", pk=agency.pk, token=token)


def _too_many(request: HttpRequest, agency: Agency, wait: int) -> HttpResponse:
    return _kiosk_page(
        request,
        agency,
        error=f"Lấy số quá nhiều lần từ máy này; vui lòng thử lại sau {wait} giây.",
        status=429,
    )


@require_POST
def kiosk_take(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(pk)
    wait = _throttled(request)
    if wait is not None:
        return _too_many(request, agency, wait)
    form = TakeForm(agency, request.POST)
    if not form.is_valid():
        return _kiosk_page(request, agency, error=" ".join(form.messages()), status=400)
    try:
        t = services.ticket_take(
            agency=agency,
            field=form.cleaned_data["field"],
            procedure=form.cleaned_data.get("procedure"),
        )
    except DomainError as exc:
        return _kiosk_page(request, agency, error=exc.message, status=400)
    return _receipt_redirect(agency, t)


@require_POST
def kiosk_booking(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(pk)
    wait = _throttled(request)
    if wait is not None:
        return _too_many(request, agency, wait)
    form = BookingCodeForm(request.POST)
    if not form.is_valid():
        return _kiosk_page(request, agency, error=" ".join(form.messages()), status=400)
    try:
        t = services.ticket_take_booking(agency=agency, code=form.cleaned_data["code"])
    except DomainError as exc:
        return _kiosk_page(request, agency, error=exc.message, status=400)
    return _receipt_redirect(agency, t)


@require_GET
def receipt(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        ticket_pk = signing.loads(token, salt=SALT, max_age=3600)
    except signing.BadSignature as exc:
        raise Http404("Phiếu không hợp lệ hoặc đã hết hạn") from exc
    t = get_object_or_404(
        Ticket.objects.select_related("agency", "field", "procedure"), pk=ticket_pk, agency_id=pk
    )
    ahead = Ticket.objects.filter(
        agency_id=t.agency_id, day=t.day, status="waiting", number__lt=t.number
    ).count()
    return render(request, "counterqueue/receipt.html", {"t": t, "ahead": ahead})


@require_GET
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(pk)
    return render(
        request, "counterqueue/screen.html", {"agency": agency, "s": selectors.screen(agency)}
    )


@require_GET
def screen_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(pk)
    return render(
        request,
        "counterqueue/_screen.html",
        {"agency": agency, "s": selectors.screen(agency)},
    )
