from django.contrib import admin

from motcua.core.admin_search import FoldedSearchAdmin
from motcua.units.models import AdministrativeUnit, Agency, Membership


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(FoldedSearchAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "level",
        "parent",
        "valid_from",
        "valid_to",
        "successor",
    )
    list_filter = ("level", "kind", "valid_to")
    list_select_related = ("parent", "successor")
    raw_id_fields = ("parent", "successor")
    list_per_page = 50


@admin.register(Agency)
class AgencyAdmin(FoldedSearchAdmin):
    list_display = ("code", "name", "kind", "level", "unit", "receives_dossiers", "needs_review")
    list_filter = ("level", "kind", "receives_dossiers", "needs_review")
    list_select_related = ("unit",)
    raw_id_fields = ("unit", "parent", "successor")
    list_per_page = 50


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "agency", "active")
    list_filter = ("role", "active", "agency__level")
    search_fields = ("user__username", "user__last_name", "agency__name", "agency__code")
    raw_id_fields = ("user", "agency")
