"""Read-only admin views of the payment records (changes go through ``services``). A payment
request and its receipt are kept by their agency: the administrator's own province's only; the
gateway's notifications (of every province's payments, no agency) only whoever keeps the
installation."""

from django.contrib import admin

from motcua.core.admin_scope import AgencyRowsAdmin, InstallationRowsAdmin, ReadOnlyAdmin
from motcua.payments.models import GatewayNotification, PaymentRequest, Receipt


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin, AgencyRowsAdmin):
    list_display = ("dossier", "agency", "amount_vnd", "status", "channel", "paid_at")
    list_filter = ("status", "channel")
    search_fields = ("dossier__code", "gateway_txn_ref", "gateway_txn_no")
    list_select_related = ("dossier", "agency")


@admin.register(GatewayNotification)
class GatewayNotificationAdmin(ReadOnlyAdmin, InstallationRowsAdmin):
    list_display = ("received_at", "kind", "verdict", "rsp_code", "remote_addr", "reason")
    list_filter = ("kind", "verdict")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin, AgencyRowsAdmin):
    list_display = ("number", "year", "agency", "dossier_code", "payer_name", "amount_vnd")
    search_fields = ("dossier_code", "payer_name")
    list_select_related = ("agency",)
