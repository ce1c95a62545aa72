"""The catalog administrator edits a procedure version's application form as JSON, with a live
preview (htmx posts the unsaved text to ``eforms:preview``); an invalid definition is refused
with its line, and saving goes through ``services.form_definition_set`` (audited)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from motcua.core.admin_stale import StaleGuardAdmin
from motcua.core.errors import refused_as_403
from motcua.dossiers.access import keeps_agency_rows
from motcua.eforms.definition import DefinitionError, definition_parse
from motcua.eforms.models import FormDefinition
from motcua.eforms.services import form_definition_set


class FormDefinitionForm(forms.ModelForm):  # type: ignore[type-arg]
    definition = forms.CharField(
        label="Định nghĩa tờ khai (JSON)",
        max_length=200_000,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 30,
                "cols": 100,
                "spellcheck": "false",
                "class": "vLargeTextField eform-json",
                "hx-post": "/to-khai/xem-truoc/",
                "hx-trigger": "load, keyup changed delay:600ms",
                "hx-target": "#eform-preview",
                "hx-swap": "outerHTML",
            }
        ),
        help_text="Định dạng: docs/eforms.md. Bản xem trước bên dưới cập nhật khi gõ.",
    )

    class Meta:
        model = FormDefinition
        fields = ["procedure"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["definition"] = json.dumps(
                self.instance.definition, ensure_ascii=False, indent=2
            )

    def clean_definition(self) -> dict[str, Any]:
        try:
            return definition_parse(self.cleaned_data["definition"])
        except DefinitionError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


@admin.register(FormDefinition)
class FormDefinitionAdmin(StaleGuardAdmin):
    form = FormDefinitionForm
    list_display = ("procedure", "title", "updated_at")
    search_fields = ("procedure__code", "procedure__name")
    autocomplete_fields = ("procedure",)
    change_form_template = "eforms/admin_change_form.html"

    # the form of a procedure every desk applying it asks for: another province's administrator
    # reads it, never changes it (the service refuses too: access.keeps_agency_rows)
    def _keeps(self, request: HttpRequest, obj: FormDefinition | None) -> bool:
        return obj is None or keeps_agency_rows(request.user, obj.procedure.agency_id)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._keeps(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._keeps(request, obj) and super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: FormDefinition) -> None:
        _service(form_definition_set, actor=request.user, procedure=obj.procedure, definition=None)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset.select_related("procedure"):
            self.delete_model(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # a form belongs to one procedure version; another version gets its own row
        return ("procedure",) if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: FormDefinition, form: Any, change: bool
    ) -> None:
        row = _service(
            form_definition_set,
            actor=request.user,
            procedure=form.cleaned_data.get("procedure") or obj.procedure,
            definition=form.cleaned_data["definition"],
        )
        if row is not None:
            obj.pk, obj.definition = row.pk, row.definition


def _service(fn: Any, **kwargs: Any) -> Any:
    """The service's refusal as the administration's 403 page, with its Vietnamese reason."""
    with refused_as_403():
        return fn(**kwargs)
