"""django-axes hooks: which name an attempt counts against, and the Vietnamese lockout page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.core.text import nfc


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The name typed: a staff username, or a citizen's ID number, tax code or e-mail
    (``identifier``), folded so that "An@Example.VN " and "an@example.vn" count together."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("identifier")
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get("username") or request.POST.get("identifier")
    if not isinstance(value, str):
        return None
    return nfc(value).strip().lower()[:255] or None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as the nearest trusted proxy saw it (``MOTCUA_PROXY_HOPS``, the
    look-up limit's rule), or REMOTE_ADDR; None when neither is an IP address (axes stores it in
    an IP column: a forged X-Forwarded-For value must not reach the database). An IPv6 client
    is its /64 (``throttle.subscriber``), written as the network's first address: the 2^64
    addresses of one home or phone count as one client."""
    import ipaddress

    from motcua.portal.throttle import client_ip, subscriber

    for candidate in (client_ip(request), request.META.get("REMOTE_ADDR")):
        who = subscriber(str(candidate or "").strip())
        try:
            return str(ipaddress.ip_network(who, strict=False).network_address)
        except ValueError:
            continue
    return None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    citizen = request.path.startswith("/cong-dan/")
    template = "security/lockout_citizen.html" if citizen else "security/lockout_staff.html"
    return render(
        request,
        template,
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
