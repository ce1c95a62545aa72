"""Who must prove a second factor (TOTP) after the password, and what such a session may open.

Superusers and members with a role in ``settings.MOTCUA_OTP_ROLES`` (leaders and province
administrators by default) hold the rights whose misuse costs most: signing, approving,
administering users and the catalog. Their session counts as logged in only once a TOTP code
was accepted (``django_otp``'s verified device on the session).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from motcua.units.models import Membership

#: Paths an authenticated but not yet verified session may still open: the code and enrolment
#: pages, logging out, static files.
OTP_OPEN_PREFIXES = (
    "/dang-nhap/ma-xac-thuc/",
    "/dang-nhap/thiet-lap-xac-thuc/",
    "/dang-xuat/",
    "/static/",
    "/favicon.ico",
)


def otp_required_for(user: Any) -> bool:
    """True when this user must log in with a TOTP code as well as the password."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user_id=user.pk, active=True, role__in=settings.MOTCUA_OTP_ROLES
    ).exists()


def otp_verified(user: Any) -> bool:
    """The session of ``user`` passed a TOTP code (set by django_otp's middleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
