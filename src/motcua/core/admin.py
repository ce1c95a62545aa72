"""The staff accounts in the administration, with names in Vietnamese order: the family and
middle names ('Họ', ``last_name``) before the given name ('Tên', ``first_name``)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from motcua.core.text import person_name


class VietnameseUserAdmin(UserAdmin):
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

    @admin.display(description="họ và tên", ordering="last_name")
    def full_name(self, obj: User) -> str:
        return person_name(obj)


admin.site.unregister(User)
admin.site.register(User, VietnameseUserAdmin)
