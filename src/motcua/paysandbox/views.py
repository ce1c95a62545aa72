"""The sandbox gateway's pages: thin, over ``services``. Off (404) unless
``PAYMENT_SANDBOX_ENABLED``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError
from motcua.core.text import json_loads
from motcua.payments import gateway as gw
from motcua.paysandbox import services as svc
from motcua.paysandbox.forms import DecisionForm
from motcua.paysandbox.models import SandboxTransaction


def _enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PAYMENT_SANDBOX_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class _Redirect(HttpResponseRedirect):
    allowed_schemes = ["http", "https"]


@_enabled
@require_GET
def pay_page(request: HttpRequest) -> HttpResponse:
    try:
        t = svc.txn_open(gw.flat(request.GET))
    except DomainError as exc:
        return render(request, "paysandbox/error.html", {"message": exc.message}, status=400)
    return render(
        request, "paysandbox/pay.html", {"t": t, "amount_vnd": t.amount // gw.AMOUNT_FACTOR}
    )


@_enabled
@require_POST
def decide(request: HttpRequest, token: str) -> HttpResponse:
    form = DecisionForm(request.POST)
    t = SandboxTransaction.objects.filter(token=token[:43]).first()
    if t is None:
        raise Http404
    if not form.is_valid():
        return render(
            request,
            "paysandbox/pay.html",
            {"t": t, "amount_vnd": t.amount // gw.AMOUNT_FACTOR, "form": form},
            status=400,
        )
    try:
        t = svc.txn_decide(token=t.token, pay=form.cleaned_data["decision"] == "pay")
    except DomainError as exc:
        return render(request, "paysandbox/error.html", {"message": exc.message}, status=400)
    svc.ipn_send(t)
    return _Redirect(svc.return_url(t))


@_enabled
@csrf_exempt  # server-to-server: authenticated by the HMAC of the body, not by a cookie
@require_http_methods(["POST"])
def api(request: HttpRequest) -> HttpResponse:
    if len(request.body) > 100_000:
        body: object = None
    else:
        try:
            body = json_loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = None
    return JsonResponse(svc.api_answer(body))
