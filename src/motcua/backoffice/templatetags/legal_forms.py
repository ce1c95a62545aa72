"""Names of the legal forms by the dossier's set (2018 or 2025), for the staff pages."""

from __future__ import annotations

from django import template

from motcua.dossiers import forms
from motcua.dossiers.models import Dossier, IssuedForm

register = template.Library()


@register.filter
def form_ref(dossier: Dossier, form: str) -> str:
    """``{{ d|form_ref:'06' }}`` → 'Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05)'."""
    return forms.form_ref(dossier, form)


@register.filter
def issued_title(issued: IssuedForm) -> str:
    """``{{ f|issued_title }}`` → 'Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả'."""
    return forms.issued_title(issued)
