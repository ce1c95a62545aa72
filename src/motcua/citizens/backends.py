"""Citizen login by ID number, tax code or e-mail + password; never a staff account, never an
account whose e-mail is not yet verified (``is_active`` stays false until then)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from motcua.citizens.selectors import is_staff_account, profile_for_login


class CitizenBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        identifier: str | None = None,
        password: str | None = None,
    ) -> Any:
        if identifier is None or password is None:
            return None
        profile = profile_for_login(identifier)
        if profile is None:
            # the same work as a real check, so that timing does not tell who has an account
            get_user_model()().set_password(password)
            return None
        user = profile.user
        if not user.check_password(password):
            return None
        if self.user_can_authenticate(user):
            return user
        if request is not None and not user.is_active and profile.email_verified_at is None:
            # the right password for an account waiting for its e-mail link: the login page
            # says so (no second hash there, so the timing stays that of any refusal)
            request.citizen_not_activated = True  # type: ignore[attr-defined]
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        return (
            bool(getattr(user, "is_active", False))
            and hasattr(user, "citizen")
            and not is_staff_account(user)
        )

    def get_user(self, user_id: int) -> Any:
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
