"""Writes of application forms (audited) and the validation of filed data.

The one validator of filled data is the Django form built from the definition
(``forms.EForm``); ``form_data_clean`` runs it on JSON for the faces that have no HTML form
(the API, services called by commands).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from motcua.audit.services import audit_record
from motcua.catalog.models import Procedure
from motcua.core.errors import ValidationFailed
from motcua.eforms.definition import definition_check
from motcua.eforms.forms import EForm
from motcua.eforms.models import FormDefinition


def definition_of(procedure: Procedure | None) -> dict[str, Any] | None:
    """The procedure version's application form, or None when it has none."""
    if procedure is None or procedure.pk is None:
        return None
    row = FormDefinition.objects.filter(procedure=procedure).only("definition").first()
    return row.definition if row is not None else None


@transaction.atomic
def form_definition_set(
    *, actor: Any, procedure: Procedure, definition: dict[str, Any] | None
) -> FormDefinition | None:
    """Attach (or replace, or with None remove) a procedure version's application form. The
    definition is checked first (DefinitionError with its path); the change is audited. Every
    desk applying the procedure asks for this form: only whoever keeps the procedure's rows
    may change it (``access.keeps_agency_rows``: their own province's procedures; one of no
    agency, which every province applies, only who keeps the installation; PermissionDenied)."""
    from motcua.dossiers.access import require_agency_rows

    require_agency_rows(actor, procedure.agency_id)
    row = FormDefinition.objects.select_for_update().filter(procedure=procedure).first()
    before = row.definition if row is not None else None
    if definition is None:
        if row is not None:
            row.delete()
            audit_record(
                actor=actor,
                action="eforms.definition_delete",
                object_type="Procedure",
                object_id=procedure.pk,
                before=before,
            )
        return None
    checked = definition_check(definition)
    if row is not None and row.definition == checked:
        return row
    user = actor if getattr(actor, "is_authenticated", False) else None
    if row is None:
        row = FormDefinition.objects.create(
            procedure=procedure, definition=checked, updated_by=user
        )
    else:
        row.definition, row.updated_by = checked, user
        row.save()
    audit_record(
        actor=actor,
        action="eforms.definition_set",
        object_type="Procedure",
        object_id=procedure.pk,
        before=before,
        after=checked,
        label=str(procedure),
    )
    return row


def form_definition_carry(*, actor: Any, old: Procedure, new: Procedure) -> None:
    """A new version of a procedure (``catalog.procedure_amend``) starts with the previous
    version's form (a copy: editing one version never changes another's)."""
    definition = definition_of(old)
    if definition is not None and definition_of(new) is None:
        form_definition_set(actor=actor, procedure=new, definition=definition)


def form_data_clean(procedure: Procedure, data: Any) -> dict[str, Any]:
    """Filled data given as JSON, validated by the procedure's form: the structured data to
    store, or ValidationFailed listing every problem as {field, code, message}. A procedure
    without a form takes no data."""
    definition = definition_of(procedure)
    if definition is None:
        if data:
            raise ValidationFailed(
                "Thủ tục này không có tờ khai điện tử",
                code="no_form",
                details=[{"field": "form_data", "code": "no_form", "message": "không có tờ khai"}],
            )
        return {}
    form = EForm.from_json(definition, data if data is not None else {})
    if not form.is_valid():
        problems = form.errors_by_path()
        raise ValidationFailed(
            "Tờ khai chưa hợp lệ: " + "; ".join(p["message"] for p in problems[:5]),
            code="invalid_form_data",
            details=[{**p, "field": f"form_data.{p['field']}".rstrip(".")} for p in problems],
        )
    return form.form_data()
