"""Shared model pieces."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import QuerySet

from motcua.core.text import fold, strip_direction, typed_line

M = TypeVar("M", bound=models.Model)


def search_matching(queryset: QuerySet[M], text: str) -> QuerySet[M]:
    """Rows of a ``SearchableModel`` queryset whose ``search_text`` holds every word of ``text``,
    folded (without diacritics, any order): 'thanh lap' finds 'Thành lập'. Empty text: all rows."""
    for word in fold(text).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


class SearchableModel(models.Model):
    """Keeps ``search_text`` (the folded form of ``SEARCH_FIELDS``) and clean text in step: each
    line of text as ``core.text.typed_line`` makes it (NFC, no unseen format characters).

    This is a derived column, not business logic: it must stay consistent whatever path writes
    the row (services, admin, imports), so it is kept here. Bulk writers call
    :meth:`refresh_search_text` themselves.
    """

    SEARCH_FIELDS: tuple[str, ...] = ()
    search_text = models.TextField("chuỗi tìm kiếm", blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def refresh_search_text(self) -> None:
        # a line of text as typed_line keeps it (NFC, spaces folded, no unseen format
        # characters: a right-to-left override showed a name backwards on every page, a
        # zero-width space made a second name that looks the same); a CharField is one line
        # whatever was sent (a line break in a name folded, its format characters gone), a
        # TextField of several lines keeps its characters but the direction controls
        for f in self._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField) and f.name != "search_text":
                value = getattr(self, f.attname)
                if isinstance(value, str):
                    one_line = isinstance(f, models.CharField) or "\n" not in value
                    cleaned = typed_line(value) if one_line else strip_direction(value.strip())
                    setattr(self, f.attname, cleaned)
        self.search_text = " ".join(
            fold(str(getattr(self, name) or "")) for name in self.SEARCH_FIELDS
        )
