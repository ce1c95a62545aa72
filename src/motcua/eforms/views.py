"""Pages of application forms: the admin's live preview, the filled application as PDF (staff
and the citizen), and the helper the portal and the counter use to build the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from motcua.backoffice.views._common import domain_errors
from motcua.dossiers.access import dossier_get_for
from motcua.eforms.definition import DefinitionError, definition_parse
from motcua.eforms.forms import EForm
from motcua.eforms.services import definition_of
from motcua.eservices.views import citizen_page


def eform_for(request: HttpRequest, procedure: Any, stored: dict[str, Any] | None) -> EForm | None:
    """The procedure's application form: bound to the POST (and its files), or prefilled from
    stored data (a draft); None when the procedure has no form."""
    definition = definition_of(procedure)
    if definition is None:
        return None
    if request.method == "POST":
        return EForm(definition, request.POST, request.FILES, previous=stored)
    return EForm(definition, initial_data=stored)


def eform_bound(procedure: Any, data: Any, files: Any) -> EForm | None:
    """The procedure's application form bound to posted data (or unbound with None)."""
    definition = definition_of(procedure)
    if definition is None:
        return None
    return EForm(definition, data, files) if data is not None else EForm(definition)


# ---- the filled application as PDF ---------------------------------------------------------


def _pdf_response(d: Any) -> HttpResponse:
    from motcua.eforms.pdf import application_pdf

    definition = definition_of(d.procedure)
    if definition is None or not d.form_data:
        raise Http404("Hồ sơ không có tờ khai điện tử")
    resp = HttpResponse(application_pdf(d, definition), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="to-khai-{d.code or d.pk}.pdf"'
    return resp


@login_required
@domain_errors
def staff_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The application printed for staff who may see the dossier (``dossiers.access``)."""
    return _pdf_response(dossier_get_for(request.user, pk))


@citizen_page
def citizen_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The application printed for the citizen whose account filed the dossier."""
    from motcua.eservices.selectors import my_dossier

    return _pdf_response(my_dossier(request.user, pk))


# ---- the admin's live preview --------------------------------------------------------------


class PreviewForm(forms.Form):
    definition = forms.CharField(max_length=200_000, required=True, strip=False)


@staff_member_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The form rendered from the unsaved definition typed in the admin (htmx), or the first
    problem of the definition, with its line."""
    if not (
        request.user.has_perm("eforms.change_formdefinition")
        or request.user.has_perm("eforms.add_formdefinition")
    ):
        raise DjangoPermissionDenied("Không có quyền soạn tờ khai điện tử")
    form = PreviewForm(request.POST)
    error, eform = "", None
    if not form.is_valid():
        error = "Chưa nhập định nghĩa tờ khai (JSON, tối đa 200 000 ký tự)."
    else:
        try:
            eform = EForm(definition_parse(form.cleaned_data["definition"]))
        except DefinitionError as exc:
            error = exc.message
    return render(
        request,
        "eforms/_preview.html",
        {"eform": eform, "error": error},
        # htmx swaps only 2xx answers: the admin's preview gets the refusal as a 200 fragment
        status=200 if eform is not None or request.headers.get("HX-Request") else 400,
    )
