"""Reads of the e-sign app: which issued results a verification or a citizen may reach."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from motcua.core.errors import NotFound
from motcua.dossiers.models import Document, DocumentKind


def electronic_results(dossier: Any) -> QuerySet[Document]:
    return dossier.documents.filter(kind=DocumentKind.RESULT_ELECTRONIC).order_by("id")


def issued_result(*, sha256: str | None = None, prefix: str | None = None) -> Document | None:
    """The electronic result the system issued with this SHA-256 (or 16-digit prefix of it)."""
    qs = Document.objects.filter(kind=DocumentKind.RESULT_ELECTRONIC).select_related(
        "dossier__procedure", "dossier__processing_agency"
    )
    if sha256:
        return qs.filter(sha256=sha256).order_by("id").first()
    if prefix and len(prefix) == 16:
        return qs.filter(sha256__startswith=prefix).order_by("id").first()
    return None


def citizen_result_get(user: Any, pk: int) -> Document:
    """An electronic result of one of ``user``'s own dossiers; anything else is not found."""
    from motcua.citizens.access import citizen_dossiers

    doc = (
        Document.objects.filter(
            pk=pk, kind=DocumentKind.RESULT_ELECTRONIC, dossier__in=citizen_dossiers(user)
        )
        .select_related("dossier")
        .first()
    )
    if doc is None:
        raise NotFound("Không tìm thấy kết quả", code="not_found")
    return doc


def document_bytes(doc: Document) -> bytes:
    with doc.file.open("rb") as fh:
        return fh.read()
