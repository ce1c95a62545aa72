"""One domain exception hierarchy: Vietnamese message for people, stable code for machines."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"code": self.code, "message": self.message}
        if self.details is not None:
            out["details"] = self.details
        return out


class ValidationFailed(DomainError):
    code = "validation_failed"


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "permission_denied"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class ImportFailed(DomainError):
    """An all-or-nothing import refused: ``details`` lists (line number, reason) pairs."""

    code = "import_failed"


@contextlib.contextmanager
def refused_as_403() -> Iterator[None]:
    """Inside it, a service's PermissionDenied becomes Django's, so that the administration
    (a ModelAdmin's save or delete) answers its 403 page with the Vietnamese reason."""
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

    try:
        yield
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
