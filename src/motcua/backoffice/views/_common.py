"""Shared pieces of the staff views: error mapping, desks, input helpers.

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
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from motcua.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.access import (
    agency_ids_for,
)
from motcua.dossiers.files import MAX_BYTES, CheckedFile, check_upload
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
            return redirect(_back(request))

    return wrapper


def _back(request: HttpRequest) -> str:
    """The page the request came from (browsers send the full address), on this site only:
    anything else, ``//other.host`` included, goes to the queue."""
    back = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return "/can-bo/"


def _desks(request: HttpRequest) -> list[Agency]:
    ids = agency_ids_for(request.user, [Role.COUNTER])
    qs = Agency.objects.filter(receives_dossiers=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs.order_by("level", "code")[:300])


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
        raise ValidationFailed(message, code="file_required")
    return _checked(upload)


def _checked(upload: Any) -> CheckedFile:
    """Refuse an oversized upload before reading it into memory, then check its bytes."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationFailed(
            f"Tệp {upload.name} vượt quá {MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
        )
    return check_upload(upload.name or "", upload.read())


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, int(value or default))
    except ValueError:
        return default


def _days(value: str | None) -> Decimal:
    try:
        d = Decimal((value or "").replace(",", "."))
    except InvalidOperation:
        raise ValidationFailed("Số ngày không hợp lệ", code="bad_days") from None
    if not d.is_finite() or d <= 0:
        raise ValidationFailed("Số ngày phải lớn hơn 0", code="bad_days")
    return d


def _local_input(value: str | None) -> dt.datetime:
    try:
        naive = dt.datetime.fromisoformat(value or "")
    except ValueError:
        raise ValidationFailed("Ngày giờ không hợp lệ", code="bad_datetime") from None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
