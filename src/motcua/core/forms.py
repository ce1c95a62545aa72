"""Form fields the administration shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, with a number no row can have (past the database's integers) refused as a choice
    like any other missing row: Django's put it in the ``IN (…)`` of its query, and the database
    driver failed on it (SQLite: OverflowError; a server error, the form lost). Its messages in
    Vietnamese (Django's Vietnamese leaves "is not a valid value" in English)."""

    default_error_messages = {
        "invalid_list": "Hãy nhập một danh sách giá trị.",
        "invalid_choice": "%(value)s không phải là một lựa chọn hợp lệ.",
        "invalid_pk_value": "“%(pk)s” không phải là một lựa chọn hợp lệ.",
    }

    def _check_values(self, value: Any) -> Any:
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.get_field(key) if key != "pk" else None
        field = field or self.queryset.model._meta.pk
        for pk in value:
            try:
                # the key's own checks: its type and, for an integer, the database's range
                field.clean(pk, None)
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        return super()._check_values(value)


class JSONField(forms.JSONField):
    """Django's, with every way JSON from outside can fail to load refused as invalid input:
    Django's caught only ``JSONDecodeError``, so nesting too deep for the parser
    (``RecursionError``) and an integer of more than 4,300 digits (``ValueError``) were server
    errors, on reading and again on showing the form back (found by a probe, issue 9)."""

    default_error_messages = {"invalid": "Hãy nhập JSON hợp lệ."}

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except (RecursionError, ValueError):
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": "…"}
            ) from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return super().bound_data(data, initial)
        except (RecursionError, ValueError):
            return forms.fields.InvalidJSONInput(data)


def many_to_many(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``formfield_for_manytomany``'s keyword arguments with the field above."""
    kwargs.setdefault("form_class", ModelMultipleChoiceField)
    return kwargs
