"""The staff accounts in the administration, with names in Vietnamese order: the family and
middle names ('Họ', ``last_name``) before the given name ('Tên', ``first_name``).

Who may add and change users (the province administrator) manages accounts whose powers are
within their own, never more: Django's stock UserAdmin let such a person tick "superuser" on
their own account, grant any permission or group, and reset the system administrator's password.

Nor another province's accounts: a staff account acts with its roles at its agencies, so a
province administrator lists, changes and resets the password of the accounts whose every
membership is at an agency of their own province (``access.administered_agency_ids``; an account
of no membership yet, the one they have just added, too), and the citizens' accounts (of no
agency) only whoever keeps the whole installation. The groups (sets of permissions every
province's administrators hold) are the installation's too (``InstallationRowsAdmin``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.admin_scope import InstallationRowsAdmin
from motcua.core.admin_stale import StaleGuardAdmin
from motcua.core.forms import many_to_many
from motcua.core.text import person_name
from motcua.dossiers import access


class VietnameseUserAdmin(StaleGuardAdmin, UserAdmin):
    stale_ignore = ("last_login",)  # a login is no edit of the account
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "last_name", "first_name", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin cá nhân", {"fields": ("last_name", "first_name", "email")}),
        (
            "Quyền",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Thời điểm", {"fields": ("last_login", "date_joined")}),
    )

    #: Only a superuser sees and sets these: anyone else could grant themselves any power.
    SUPERUSER_FIELDS = ("is_superuser", "user_permissions")

    def _above(self, request: HttpRequest, obj: User | None) -> bool:
        """The account holds a power the person editing it lacks (or is a superuser)."""
        editor = request.user
        if obj is None or editor.is_superuser:
            return False
        return obj.is_superuser or not obj.get_all_permissions() <= editor.get_all_permissions()

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return access.accounts_kept_by(request.user, super().get_queryset(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Django's password view asks this too: no resetting a more powerful account's password
        return not self._above(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._above(request, obj) and super().has_delete_permission(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **opts,
                    "fields": tuple(f for f in opts["fields"] if f not in self.SUPERUSER_FIELDS),
                },
            )
            for name, opts in fieldsets
        ]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = self._groups_within(request)
        return super().formfield_for_manytomany(db_field, request, **many_to_many(kwargs))

    def _groups_within(self, request: HttpRequest) -> QuerySet[Group]:
        """The groups whose every permission the editor holds."""
        held = request.user.get_all_permissions()
        allowed = [
            g.pk
            for g in Group.objects.prefetch_related("permissions__content_type")
            if all(f"{p.content_type.app_label}.{p.codename}" in held for p in g.permissions.all())
        ]
        return Group.objects.filter(pk__in=allowed)

    @admin.display(description="họ và tên", ordering="last_name")
    def full_name(self, obj: User) -> str:
        return person_name(obj)


admin.site.unregister(User)
admin.site.register(User, VietnameseUserAdmin)


class InstallationGroupAdmin(InstallationRowsAdmin, GroupAdmin):
    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_manytomany(db_field, request, **many_to_many(kwargs))


admin.site.unregister(Group)
admin.site.register(Group, InstallationGroupAdmin)


class GuardedTOTPDeviceAdmin(StaleGuardAdmin, TOTPDeviceAdmin):
    """django-otp's page of a TOTP device, refusing a save from a stale copy like every other
    change page; a verification moves these fields without anyone editing the device."""

    stale_ignore = (
        "throttling_failure_timestamp",
        "throttling_failure_count",
        "last_used_at",
        "drift",
        "last_t",
    )


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, GuardedTOTPDeviceAdmin)
