"""The demo catalog's application forms (``demo_forms.DEMO_FORMS``) attached to the latest
version of each named procedure, through the audited service; idempotent."""

from __future__ import annotations

from motcua.catalog.models import Procedure
from motcua.eforms.demo_forms import DEMO_FORMS
from motcua.eforms.services import form_definition_set


def demo_eforms() -> dict[str, int]:
    attached = 0
    for name, definition in DEMO_FORMS:
        procedure = Procedure.objects.filter(name=name).order_by("code", "-version").first()
        if procedure is not None:
            form_definition_set(actor=None, procedure=procedure, definition=definition)
            attached += 1
    return {"forms": attached}
