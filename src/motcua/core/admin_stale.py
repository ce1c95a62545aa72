"""A change page of the administration saved from a stale copy is refused, not applied.

Two tabs open on the same row: the first renames it and saves, the second unticks a box and
saves — and the second save wrote back the name it had loaded, silently undoing the first (the
staff pages refuse a stale form by the row's version; the administration had nothing). Each
change page now carries a digest of the row as it was shown (``_seen``, a hidden input the
project's ``admin/change_form.html`` adds); a save whose digest no longer matches the row is
refused with a message and the page shows the row as it now is. A form without the digest (a
script's) is saved as before."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

STALE_MESSAGE = (
    "Bản ghi này vừa được thay đổi ở một trang khác hoặc bởi người khác; những gì bạn vừa gửi "
    "chưa được lưu. Trang đã được tải lại với dữ liệu mới nhất: hãy xem lại rồi lưu lại."
)


def row_digest(obj: Any, ignore: tuple[str, ...] = ()) -> str:
    """The row's stored fields as one digest (many-to-many choices are not in it)."""
    sha = hashlib.sha256()
    for field in obj._meta.concrete_fields:
        if field.name in ignore:
            continue
        sha.update(f"{field.attname}={field.value_from_object(obj)!r}\x00".encode())
    return sha.hexdigest()[:32]


class StaleGuardAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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
