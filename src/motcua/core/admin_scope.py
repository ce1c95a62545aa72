"""The rows of the whole installation in the administration: a row no agency or province owns
(a field of the catalog, the criteria of an index every agency is scored by) is applied by every
province, so only whoever keeps every agency — the system, a superuser, the administrator of the
installation's one province (``access.administers_everything``) — sees and changes it there;
another province's administrator has neither the list nor the row (403).

The rows an agency keeps (``AgencyRowsAdmin``) or that are about a dossier (``DossierRowsAdmin``)
are listed only to the administrator of that agency's province (``access.agency_rows_kept_by``,
``access.dossier_rows_kept_by``): another province's row is not found."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.admin_stale import StaleGuardAdmin
from motcua.core.errors import refused_as_403
from motcua.dossiers import access
from motcua.dossiers.access import administers_everything


class InstallationRowsAdmin(StaleGuardAdmin):
    def _keeps(self, request: HttpRequest) -> bool:
        # asked several times a page: the answer once per request
        keeps = getattr(request, "_motcua_keeps_installation", None)
        if keeps is None:
            keeps = administers_everything(request.user)
            request._motcua_keeps_installation = keeps  # type: ignore[attr-defined]
        return keeps

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._keeps(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._keeps(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._keeps(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._keeps(request) and super().has_delete_permission(request, obj)


class AgencyRowsAdmin(StaleGuardAdmin):
    """Rows kept by the agency in ``agency_field``: the list and the rows of the administrator's
    province (no agency: whoever keeps every agency); a row saved at an agency outside it is
    refused (403 with the reason) before anything is written."""

    agency_field = "agency"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        return access.agency_rows_kept_by(request.user, qs, self.agency_field)

    def require_scope(self, request: HttpRequest, obj: Any) -> None:
        """Refuse (403 with the reason) a row saved at an agency outside the province."""
        if "__" not in self.agency_field:  # a row saved here names its agency itself
            with refused_as_403():
                access.require_agency_rows(request.user, getattr(obj, f"{self.agency_field}_id"))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.require_scope(request, obj)
        super().save_model(request, obj, form, change)


class DossierRowsAdmin(StaleGuardAdmin):
    """Rows about the dossier in ``dossier_field``: those of the dossiers the administrator's
    province's agencies see."""

    dossier_field = "dossier"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        return access.dossier_rows_kept_by(request.user, qs, self.dossier_field)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows written by their services only: seen, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
