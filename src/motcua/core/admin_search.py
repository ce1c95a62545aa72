"""Admin search without diacritics: the query is folded and matched against ``search_text``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.admin_stale import StaleGuardAdmin
from motcua.core.models import search_matching


class FoldedSearchAdmin(StaleGuardAdmin):
    """'thanh lap' finds 'Thành lập'; every word must match (in any order)."""

    search_fields = ("search_text",)
    search_help_text = "Tìm có dấu hoặc không dấu, ví dụ: thanh lap"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return search_matching(queryset, search_term), False
