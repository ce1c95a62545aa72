"""Admin search without diacritics: the query is folded and matched against ``search_text``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from motcua.core.text import fold


class FoldedSearchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """'thanh lap' finds 'Thành lập'; every word must match (in any order)."""

    search_fields = ("search_text",)
    search_help_text = "Tìm có dấu hoặc không dấu, ví dụ: thanh lap"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        words = fold(search_term).split()
        if not words:
            return queryset, False
        q = Q()
        for word in words:
            q &= Q(search_text__contains=word)
        return queryset.filter(q), False
