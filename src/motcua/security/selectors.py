"""Reads about a staff member's second factor."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def pending_device(user: Any) -> TOTPDevice | None:
    """The device being enrolled (created, not yet confirmed by a code), if any."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-id").first()
