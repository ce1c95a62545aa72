"""``{% eform_filled dossier as tk %}``: the dossier's application form as filled (sections of
label/value rows), for the staff and the citizen dossier pages."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.eforms.display import Section, filled
from motcua.eforms.services import definition_of

register = template.Library()


@register.simple_tag
def eform_filled(dossier: Any) -> list[Section]:
    if not getattr(dossier, "form_data", None):
        return []
    return filled(definition_of(dossier.procedure), dossier.form_data)
