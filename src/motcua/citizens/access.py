"""Who is a portal user: an authenticated, active user with a citizen profile and no staff role.

Every portal page that acts for a citizen uses ``citizen_required``; every query of a citizen's
dossiers is scoped by ``Dossier.account`` through ``citizen_dossiers``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

CITIZEN_LOGIN_URL = "/cong-dan/dang-nhap/"


def citizen_of(user: Any):
    """The user's CitizenProfile, or None (anonymous, staff, or no profile)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_staff:
        return None
    return getattr(user, "citizen", None) if hasattr(user, "citizen") else None


def citizen_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), CITIZEN_LOGIN_URL)
        if citizen_of(request.user) is None:
            # the refusal rendered, not raised: a staff member opening a portal page is an
            # answer, so the log gets Django's one line, not a traceback per request
            from motcua.backoffice.views.errors import permission_denied

            return permission_denied(
                request, PermissionDenied("Trang này dành cho tài khoản công dân, tổ chức.")
            )
        return view(request, *args, **kwargs)

    return wrapped


def citizen_dossiers(user: Any):
    """The dossiers this portal user may see: those filed by (or linked to) the account."""
    from motcua.dossiers.models import Dossier

    if citizen_of(user) is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(account=user)
