"""Token authentication for partner systems: ``Authorization: Bearer mc_<prefix>_<secret>``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from motcua.api.clients import api_client_for_token


class ApiClientAuthentication(authentication.BaseAuthentication):
    """The request acts as the client's service account (its one agency + role)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Tiêu đề Authorization phải có dạng 'Bearer <khóa>'", code="bad_token"
            )
        try:
            token = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Khóa không hợp lệ", code="bad_token") from None
        client = api_client_for_token(token)
        if client is None or not client.user.is_active:
            raise exceptions.AuthenticationFailed(
                "Khóa không hợp lệ hoặc đã bị thu hồi", code="bad_token"
            )
        return (client.user, client)

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "motcua.api.auth.ApiClientAuthentication"
    name = "khoaApi"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Khóa của hệ thống kết nối (mc_<tiền tố>_<bí mật>), cấp bằng lệnh "
                "`motcua api-client create`. Khóa thuộc một cơ quan và một vai trò và chỉ "
                "thấy những gì cán bộ cùng cơ quan, cùng vai trò thấy trên trang cán bộ."
            ),
        }
