"""A change page of the administration saved from a stale copy is refused, not applied.

Two tabs open on the same row: the first renames it and saves, the second unticks a box and
saves — and the second save wrote back the name it had loaded, silently undoing the first (the
staff pages refuse a stale form by the row's version; the administration had nothing). Each
change page now carries a digest of the row as it was shown (``_seen``, a hidden input the
project's ``admin/change_form.html`` adds); a save whose digest no longer matches the row is
refused with a message and the page shows the row as it now is. A form without the digest (a
script's) is saved as before. The digest holds the row's many-to-many choices too (an account's
groups, a group's permissions): a second tab saving an account's e-mail gave back the group the
first had taken away.

Every change page of the administration (``StaleGuardAdmin``, the base of each) and every
inline (``TypedLines``) also keeps a one-line text field as ``core.text.typed_line``
makes it: NFC, white space and line breaks folded, without unseen format characters (a
zero-width space, a right-to-left override) — the staff's names, a group's, a calendar's."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from motcua.core.text import typed_line

STALE_MESSAGE = (
    "Bản ghi này vừa được thay đổi ở một trang khác hoặc bởi người khác; những gì bạn vừa gửi "
    "chưa được lưu. Trang đã được tải lại với dữ liệu mới nhất: hãy xem lại rồi lưu lại."
)


def row_digest(obj: Any, ignore: tuple[str, ...] = ()) -> str:
    """The row's stored fields and its many-to-many choices (their keys, sorted) as one
    digest."""
    sha = hashlib.sha256()
    for field in obj._meta.concrete_fields:
        if field.name in ignore:
            continue
        sha.update(f"{field.attname}={field.value_from_object(obj)!r}\x00".encode())
    for field in obj._meta.many_to_many:
        if field.name in ignore:
            continue
        keys = sorted(getattr(obj, field.name).values_list("pk", flat=True))
        sha.update(f"{field.name}={keys!r}\x00".encode())
    return sha.hexdigest()[:32]


class TypedLineField(forms.CharField):
    """A one-line text field whose value is kept as ``typed_line`` makes it."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return typed_line(text) if isinstance(text, str) else text


def _typed_line_formfield(db_field: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """A plain ``CharField`` of a model (not an e-mail, URL or slug field, which have their own
    form fields, nor one with choices) edited as a ``TypedLineField``."""
    if type(db_field) is models.CharField and not db_field.choices:
        kwargs.setdefault("form_class", TypedLineField)
    return kwargs


class TypedLines:
    """For a change page or an inline: its one-line text fields as ``typed_line`` makes them
    (under ``StaleGuardAdmin``, so every change page; inlines list it themselves)."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_dbfield(  # type: ignore[misc]
            db_field, request, **_typed_line_formfield(db_field, kwargs)
        )


class StaleGuardAdmin(TypedLines, admin.ModelAdmin):  # type: ignore[type-arg]
    #: fields that change without anyone editing the row (a login moves ``last_login``)
    stale_ignore: tuple[str, ...] = ()

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                now = row_digest(obj, self.stale_ignore)
                seen = request.POST.get("_seen") if request.method == "POST" else None
                if seen and seen != now:
                    messages.error(request, STALE_MESSAGE)
                    return HttpResponseRedirect(request.get_full_path())
                extra_context = {**(extra_context or {}), "stale_guard": now}
        return super().changeform_view(request, object_id, form_url, extra_context)
