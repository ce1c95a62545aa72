"""Uploads of the portal are streamed to a temporary file on disk, chunk by chunk, and cut off
at the size limit: a file never sits whole in memory, and a too-large one is never kept.

Django reads the request body when anything first touches ``request.POST`` — the CSRF check
does — so the handler is set before that: ``streamed_uploads`` exempts the outer view from the
middleware's check and runs the same check (``csrf_protect``) after setting the handler.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from motcua.dossiers.files import MAX_BYTES


class LimitedTemporaryUpload(TemporaryFileUploadHandler):
    """Every file to a temporary file; a file over ``MAX_BYTES`` is dropped while it streams
    and its field name recorded in ``request.uploads_too_large``."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0
        if request is not None and not hasattr(request, "uploads_too_large"):
            request.uploads_too_large = set()  # type: ignore[attr-defined]

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        self.current_field = field_name
        super().new_file(field_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > MAX_BYTES:
            self.file.close()
            if self.request is not None:
                self.request.uploads_too_large.add(self.current_field)  # type: ignore[attr-defined]
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


def streamed_uploads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    protected = csrf_protect(view)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_handlers = [LimitedTemporaryUpload(request)]
        request.uploads_too_large = set()  # type: ignore[attr-defined]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def too_large(request: HttpRequest) -> set[str]:
    return set(getattr(request, "uploads_too_large", set()))
