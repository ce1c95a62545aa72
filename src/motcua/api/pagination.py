"""Pagination: offsets for the (small, public) catalog, cursors for dossiers."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import Cursor, CursorPagination, LimitOffsetPagination
from rest_framework.request import Request

from motcua.core.errors import ValidationFailed
from motcua.core.text import ascii_digits


class CatalogPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


class DossierCursor(CursorPagination):
    """Newest first by id: unique and never changes, so pages stay stable while dossiers
    arrive (a new dossier appears before page one, never inside a page already read)."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_description = "Con trỏ trang (lấy từ next / previous của trang trước)"
    page_size_query_description = "Số hồ sơ mỗi trang (tối đa 200)"

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except Exception as exc:  # DRF raises NotFound(404) for a bad cursor: it is bad input
            raise ValidationFailed("Con trỏ trang không hợp lệ", code="bad_cursor") from exc
        # DRF takes any text for the position; ours is always an id (the order is by id): a
        # forged one ("p=2022-01-01") reached the id filter and failed there (a 500)
        position = cursor.position if cursor is not None else None
        if position is not None and not ascii_digits(position):
            raise ValidationFailed("Con trỏ trang không hợp lệ", code="bad_cursor")
        return cursor

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = super().get_paginated_response_schema(schema)
        return out
