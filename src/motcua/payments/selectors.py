"""Reads of payments across a permission boundary: a citizen sees the payment of a dossier
filed from their account; staff see it when they see the dossier (``dossiers.access``); only the
collecting desk's counter officers act on it."""

from __future__ import annotations

from typing import Any

from motcua.core.errors import NotFound
from motcua.dossiers.access import dossier_get_for, has_role
from motcua.payments.models import PaymentRequest, Receipt
from motcua.units.models import Role


def citizen_payment(user: Any, dossier_pk: int) -> PaymentRequest:
    """The payment of one of the citizen's dossiers, or NotFound (never reveals others)."""
    from motcua.citizens.access import citizen_dossiers

    dossier = citizen_dossiers(user).filter(pk=dossier_pk).first()
    p = (
        PaymentRequest.objects.select_related("dossier", "agency").filter(dossier=dossier).first()
        if dossier is not None
        else None
    )
    if p is None:
        raise NotFound("Không tìm thấy khoản thanh toán", code="payment_not_found")
    return p


def staff_payment(actor: Any, dossier_pk: int) -> PaymentRequest:
    dossier = dossier_get_for(actor, dossier_pk)
    p = PaymentRequest.objects.select_related("dossier", "agency").filter(dossier=dossier).first()
    if p is None:
        raise NotFound("Hồ sơ không có khoản phí, lệ phí", code="payment_not_found")
    return p


def may_collect(actor: Any, payment: PaymentRequest) -> bool:
    return has_role(actor, payment.agency, Role.COUNTER)


def citizen_receipt(user: Any, dossier_pk: int) -> Receipt:
    p = citizen_payment(user, dossier_pk)
    receipt = Receipt.objects.filter(payment=p).select_related("agency").first()
    if receipt is None:
        raise NotFound("Chưa có biên lai", code="receipt_not_found")
    return receipt


def staff_receipt(actor: Any, dossier_pk: int) -> Receipt:
    p = staff_payment(actor, dossier_pk)
    receipt = Receipt.objects.filter(payment=p).select_related("agency").first()
    if receipt is None:
        raise NotFound("Chưa có biên lai", code="receipt_not_found")
    return receipt


def panel_for(dossier: Any) -> dict[str, Any] | None:
    """What a dossier page shows about its fees (the caller has already checked access)."""
    p = PaymentRequest.objects.filter(dossier_id=dossier.pk).select_related("agency").first()
    if p is None:
        return None
    return {
        "payment": p,
        "receipt": Receipt.objects.filter(payment=p).first(),
        "attempts": list(p.attempts.order_by("-created_at")[:5]),
    }
