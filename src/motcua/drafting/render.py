"""From a template and a dossier to the draft's HTML, and from the draft to its PDF."""

from __future__ import annotations

from typing import Any

from motcua.core.errors import ValidationFailed
from motcua.drafting.clean import clean_html
from motcua.drafting.context import dossier_context, sample_context
from motcua.drafting.docx_render import docx_check, docx_to_html_checked, render_docx
from motcua.drafting.models import OPEN_DRAFT, ResultTemplate, TemplateKind
from motcua.drafting.sandbox import compile_template, render_text

OPEN = OPEN_DRAFT

__all__ = [
    "OPEN",
    "clean_html",
    "docx_check",
    "dossier_context",
    "draft_pdf",
    "html_check",
    "sample_context",
    "template_render",
]


def html_check(body: str) -> None:
    compile_template(body, html=True)


def template_docx_bytes(template: ResultTemplate) -> bytes:
    try:
        with template.file.open("rb") as fh:
            return fh.read()
    except (OSError, ValueError):
        raise ValidationFailed("Không đọc được tệp mẫu DOCX", code="template_missing") from None


def template_render(template: ResultTemplate, context: dict[str, Any]) -> str:
    """The draft's first content: the template filled over ``context``, as filtered HTML."""
    if template.kind == TemplateKind.DOCX:
        doc = render_docx(template_docx_bytes(template), context)
        return clean_html(docx_to_html_checked(doc))
    return clean_html(render_text(template.body, context, html=True))


def template_docx_filled(template: ResultTemplate, context: dict[str, Any]) -> bytes:
    from motcua.drafting.docx_render import docx_bytes

    return docx_bytes(render_docx(template_docx_bytes(template), context))


def draft_pdf(content: str, *, title: str = "") -> bytes:
    from motcua.drafting.pdf import html_pdf

    return html_pdf(content, title=title)
