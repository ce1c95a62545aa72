"""OpenID Connect login for citizens (VNeID, the national portal's SSO, any standard provider).

mozilla-django-oidc runs the authorization-code flow (state, nonce and PKCE kept in the session,
each state usable once). This module adds what a government login needs on top of it:

* the ID token must be signed (``OIDC_RP_SIGN_ALGO``, RS256 by default) by a key of the provider's
  JWKS, be issued by ``OIDC_OP_ISSUER`` and be meant for us (``aud`` contains our client id) —
  the library itself checks neither ``iss`` nor ``aud``;
* the account is found or created by the provider's ``sub`` and the personal ID number claim
  (``MOTCUA_OIDC_ID_CLAIM``), through ``services.citizen_from_oidc`` (audited), never a staff
  account;
* any failure (replayed state, bad signature, provider down) lands on the citizen login page with
  a Vietnamese message, never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from motcua.core.errors import DomainError

log = logging.getLogger(__name__)

REQUIRED = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_OP_ISSUER",
)
LINKED = (
    "Tài khoản đã được gắn với định danh điện tử của bạn. Để bảo vệ tài khoản, mật khẩu và thư "
    "điện tử đăng ký trước đây đã được gỡ: hãy nhập lại thư điện tử dưới đây (sẽ được xác thực) "
    "nếu muốn đăng nhập bằng mật khẩu."
)
FAILED = (
    "Không đăng nhập được bằng tài khoản định danh điện tử. Vui lòng thử lại, hoặc đăng nhập "
    "bằng số định danh và mật khẩu."
)


def oidc_enabled() -> bool:
    return all(getattr(settings, name, "") for name in REQUIRED)


class CitizenOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # untyped library
    """Only answers the callback of a configured provider (``nonce`` comes from the callback
    view); every other ``authenticate()`` call (staff and citizen password logins) passes by."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # the parent reads the OIDC_* settings and fails when they are missing: read them only
        # when the provider is configured
        if oidc_enabled():
            super().__init__(*args, **kwargs)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not oidc_enabled() or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """Signature (by the parent's algorithm check and pyjwt) plus issuer, audience, expiry."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("ID token: unexpected algorithm")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from None

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        from motcua.citizens.services import OIDCIdentity, citizen_from_oidc

        info = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            # OIDC Core 5.3.2: the userinfo's sub must be the ID token's
            raise SuspiciousOperation("userinfo sub differs from the ID token's")
        claims = {**info, **payload}
        identity = OIDCIdentity(
            subject=str(payload["sub"]),
            id_number=str(claims.get(settings.MOTCUA_OIDC_ID_CLAIM) or ""),
            name=str(claims.get(settings.MOTCUA_OIDC_NAME_CLAIM) or ""),
        )
        try:
            user = citizen_from_oidc(identity=identity)
        except DomainError as exc:
            self.request.oidc_error = exc.message
            return None
        if getattr(user, "oidc_taken_over", False):
            self.request.oidc_notice = LINKED
        return user

    def get_user(self, user_id: int) -> Any:
        from motcua.citizens.backends import CitizenBackend

        return CitizenBackend().get_user(user_id)


class CitizenOIDCStart(OIDCAuthenticationRequestView):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if oidc_enabled():
            super().__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            messages.error(request, "Chưa cấu hình đăng nhập bằng tài khoản định danh điện tử.")
            return HttpResponseRedirect("/cong-dan/dang-nhap/")
        return super().get(request)


class CitizenOIDCCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    @property
    def failure_url(self) -> str:
        return "/cong-dan/dang-nhap/"

    @property
    def success_url(self) -> str:
        nxt = self.request.session.get("oidc_login_next") or ""
        if nxt.startswith("/") and not nxt.startswith(("//", "/can-bo/", "/admin/", "/api/")):
            return nxt
        return "/cong-dan/"

    def login_success(self) -> HttpResponse:
        notice = getattr(self.request, "oidc_notice", None)
        if notice:
            messages.info(self.request, notice)
        return super().login_success()

    def login_failure(self) -> HttpResponse:
        message = getattr(self.request, "oidc_error", None) or FAILED
        messages.error(self.request, message)
        return HttpResponseRedirect(self.failure_url)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            return HttpResponseRedirect(self.failure_url)
        self.request = request
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, ValueError, KeyError) as exc:
            log.warning("OIDC login refused: %s", exc)
            return self.login_failure()
