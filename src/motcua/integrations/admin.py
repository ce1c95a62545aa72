"""The national portal link in the admin: read-only (the worker writes delivery state)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.integrations.models import PortalDelivery, PortalInbound, SmsMessage


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PortalDelivery)
class PortalDeliveryAdmin(ReadOnly):
    list_display = (
        "outbox",
        "dossier",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_status",
    )
    list_filter = ("last_status",)
    list_select_related = ("outbox", "dossier")
    search_fields = ("dossier__code", "event_id")


@admin.register(PortalInbound)
class PortalInboundAdmin(ReadOnly):
    list_display = ("national_id", "dossier", "received_at")
    list_select_related = ("dossier",)
    search_fields = ("national_id", "dossier__code")


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnly):
    """What the logging SMS backend 'sent': read-only."""

    list_display = ("sent_at", "to", "text", "ref")
    search_fields = ("to", "ref")
