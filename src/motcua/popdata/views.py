"""The back office's check buttons (htmx fragments): at the counter before the receipt, and on
a dossier's page (check again, record the reason to go on despite a mismatch).

A fragment answers an htmx request with 200 even for bad input (htmx swaps only 2xx answers; the
message is in the fragment); the same request without htmx gets 400. Permission and visibility
are the services' and ``dossiers.access``'s (403 / 404 pages through ``domain_errors``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from motcua.backoffice.views._common import _desks, domain_errors
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.access import dossier_get_for
from motcua.popdata import services
from motcua.popdata.forms import CounterCheckForm, DossierCheckForm, OverrideForm
from motcua.popdata.models import Verification


def _fragment(
    request: HttpRequest, template: str, context: dict[str, Any], *, bad: bool = False
) -> HttpResponse:
    status = 400 if bad and not request.headers.get("HX-Request") else 200
    return render(request, template, context, status=status)


def _errors(form: Any) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


@require_POST
@login_required
@domain_errors
def counter_check(request: HttpRequest) -> HttpResponse:
    desks = _desks(request)
    if not desks:
        raise PermissionDenied("Bạn không phải cán bộ một cửa", code="permission_denied")
    form = CounterCheckForm(desks, request.POST)
    if not form.is_valid():
        return _fragment(request, "popdata/_result.html", {"errors": _errors(form)}, bad=True)
    c = form.cleaned_data
    try:
        v = services.counter_check(
            actor=request.user,
            desk=c["desk"],
            id_number=c["id_number"],
            full_name=c["name"],
            birth_date=c["popdata_birth_date"],
        )
    except ValidationFailed as exc:
        return _fragment(request, "popdata/_result.html", {"errors": [exc.message]}, bad=True)
    return _fragment(request, "popdata/_result.html", {"v": v, "counter": True})


def _dossier_context(request: HttpRequest, d: Any, **extra: Any) -> dict[str, Any]:
    return {
        "d": d,
        "last": services.last_for(d),
        "can_check": services.can_check_dossier(request.user, d),
        **extra,
    }


@require_POST
@login_required
@domain_errors
def dossier_check(request: HttpRequest, pk: int) -> HttpResponse:
    d = dossier_get_for(request.user, pk)
    form = DossierCheckForm(request.POST)
    if not form.is_valid():
        ctx = _dossier_context(request, d, errors=_errors(form))
        return _fragment(request, "popdata/_dossier.html", ctx, bad=True)
    try:
        services.dossier_check(
            actor=request.user, dossier=d, birth_date=form.cleaned_data["birth_date"]
        )
    except ValidationFailed as exc:
        ctx = _dossier_context(request, d, errors=[exc.message])
        return _fragment(request, "popdata/_dossier.html", ctx, bad=True)
    return _fragment(request, "popdata/_dossier.html", _dossier_context(request, d))


@require_POST
@login_required
@domain_errors
def dossier_override(request: HttpRequest, pk: int, check: int) -> HttpResponse:
    d = dossier_get_for(request.user, pk)
    v = Verification.objects.filter(pk=check, dossier=d).first()
    if v is None:
        raise NotFound("Không tìm thấy lần xác thực này", code="not_found")
    form = OverrideForm(request.POST)
    if not form.is_valid():
        ctx = _dossier_context(request, d, errors=_errors(form))
        return _fragment(request, "popdata/_dossier.html", ctx, bad=True)
    try:
        services.override_record(
            actor=request.user, verification=v, reason=form.cleaned_data["reason"]
        )
    except ValidationFailed as exc:
        ctx = _dossier_context(request, d, errors=[exc.message])
        return _fragment(request, "popdata/_dossier.html", ctx, bad=True)
    return _fragment(request, "popdata/_dossier.html", _dossier_context(request, d))
