"""Read-only admin views of the payment records (changes go through ``services``)."""

from django.contrib import admin

from motcua.payments.models import GatewayNotification, PaymentRequest, Receipt


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(PaymentRequest)
class PaymentRequestAdmin(_ReadOnly):
    list_display = ("dossier", "agency", "amount_vnd", "status", "channel", "paid_at")
    list_filter = ("status", "channel")
    search_fields = ("dossier__code", "gateway_txn_ref", "gateway_txn_no")
    list_select_related = ("dossier", "agency")


@admin.register(GatewayNotification)
class GatewayNotificationAdmin(_ReadOnly):
    list_display = ("received_at", "kind", "verdict", "rsp_code", "remote_addr", "reason")
    list_filter = ("kind", "verdict")


@admin.register(Receipt)
class ReceiptAdmin(_ReadOnly):
    list_display = ("number", "year", "agency", "dossier_code", "payer_name", "amount_vnd")
    search_fields = ("dossier_code", "payer_name")
    list_select_related = ("agency",)
