"""Shared pieces of the staff views: error mapping, safe redirects, desks, query-string helpers.

Authorization lives in ``dossiers.access`` and the services; every view goes through them.
Domain errors become a Vietnamese message (and 403/404 for permission/visibility). POST input
goes through the forms of ``motcua.backoffice.forms``; the helpers here read query strings only.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.dossiers.access import (
    agency_ids_for,
)
from motcua.units.models import Agency, Role

View = Callable[..., HttpResponse]
HOME = "/can-bo/"


def safe_back(request: HttpRequest, *candidates: str | None) -> str:
    """The first candidate that stays on this site (a path, or a URL of this host); else home.
    ``//evil.example/x``, ``https://evil.example/`` and the like never qualify."""
    for url in candidates:
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
    return HOME


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
            return redirect(
                safe_back(request, request.POST.get("next"), request.META.get("HTTP_REFERER"))
            )

    return wrapper


def _desks(request: HttpRequest) -> list[Agency]:
    ids = agency_ids_for(request.user, [Role.COUNTER])
    qs = Agency.objects.filter(receives_dossiers=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs.order_by("level", "code")[:300])


def _int(value: str | None, default: int) -> int:
    """A query-string number (GET only; POST goes through a form)."""
    try:
        return max(0, int(value or default))
    except ValueError:
        return default


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
