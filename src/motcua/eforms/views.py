"""Pages of application forms: the admin's live preview, the filled application as PDF (staff
and the citizen), and the helper the portal and the counter use to build the form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.eforms.forms import EForm
from motcua.eforms.services import definition_of


def eform_for(request: HttpRequest, procedure: Any, stored: dict[str, Any] | None) -> EForm | None:
    """The procedure's application form: bound to the POST (and its files), or prefilled from
    stored data (a draft); None when the procedure has no form."""
    definition = definition_of(procedure)
    if definition is None:
        return None
    if request.method == "POST":
        return EForm(definition, request.POST, request.FILES, previous=stored)
    return EForm(definition, initial_data=stored)
