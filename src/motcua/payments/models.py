"""Fees due per dossier, online payment attempts, the gateway's notifications, e-receipts.

Rows only: every change goes through ``services`` (one transaction: the payment, the dossier's
statistics column, the receipt, the outbox row and the audit row together). Amounts are integer
VND; the gateway's ×100 convention lives in ``gateway`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from motcua.dossiers.models import Dossier
from motcua.units.models import Agency


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Chờ thanh toán"
    PAID = "paid", "Đã thanh toán"
    FAILED = "failed", "Thanh toán không thành công"
    CANCELLED = "cancelled", "Đã hủy"


class PaymentChannel(models.TextChoices):
    ONLINE = "online", "Trực tuyến (cổng thanh toán)"
    CASH = "cash", "Tiền mặt tại Bộ phận Một cửa"
    TRANSFER = "transfer", "Chuyển khoản"


class PaymentRequest(models.Model):
    """The fees of one dossier (phí, lệ phí), snapshotted from the procedure's ``FeeItem`` lines
    when the dossier is received. One per dossier; the collecting agency is the receiving desk."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="payment", verbose_name="hồ sơ"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="payments", verbose_name="cơ quan thu"
    )
    items = models.JSONField("các khoản phí, lệ phí", default=list)  # [{"name", "amount_vnd"}]
    amount_vnd = models.BigIntegerField("số tiền (đồng)")
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
        db_index=True,
    )
    channel = models.CharField(
        "hình thức thanh toán",
        max_length=10,
        choices=PaymentChannel.choices,
        blank=True,
        help_text="Trống khi chưa thanh toán.",
    )
    gateway_txn_ref = models.CharField("mã giao dịch gửi cổng", max_length=40, blank=True)
    gateway_txn_no = models.CharField("mã giao dịch tại cổng", max_length=40, blank=True)
    transfer_ref = models.CharField("số chứng từ chuyển khoản", max_length=100, blank=True)
    created_at = models.DateTimeField("tạo lúc", db_index=True)
    paid_at = models.DateTimeField("thanh toán lúc", null=True, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cán bộ ghi nhận",
    )
    recorded_label = models.CharField("ghi nhận bởi", max_length=255, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "yêu cầu thanh toán"
        verbose_name_plural = "yêu cầu thanh toán"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "paid_at"], name="payment_agency_paid")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_vnd__gt=0), name="payment_amount_pos")
        ]

    def __str__(self) -> str:
        return f"Thanh toán hồ sơ {self.dossier}"

    @property
    def is_prepayment(self) -> bool:
        """Made at the online submission (``Procedure.prepayment``), before the dossier was
        received: not received yet, or received after the request was made."""
        received = self.dossier.received_at
        return received is None or self.created_at < received


class PaymentAttempt(models.Model):
    """One redirect to the gateway: its own order reference (``vnp_TxnRef``, unique for the
    gateway), so that a late notification of an old attempt is still recognised."""

    payment = models.ForeignKey(
        PaymentRequest, on_delete=models.PROTECT, related_name="attempts", verbose_name="thanh toán"
    )
    txn_ref = models.CharField("mã giao dịch (vnp_TxnRef)", max_length=40, unique=True)
    amount_vnd = models.BigIntegerField("số tiền (đồng)")
    status = models.CharField(
        "trạng thái", max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    created_at = models.DateTimeField("tạo lúc", db_index=True)
    finished_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    gateway_txn_no = models.CharField("mã giao dịch tại cổng", max_length=40, blank=True)
    bank_code = models.CharField("ngân hàng", max_length=20, blank=True)
    response_code = models.CharField("mã phản hồi của cổng", max_length=4, blank=True)

    class Meta:
        verbose_name = "lượt thanh toán trực tuyến"
        verbose_name_plural = "lượt thanh toán trực tuyến"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.txn_ref


class NotificationKind(models.TextChoices):
    IPN = "ipn", "Thông báo từ máy chủ cổng (IPN)"
    RETURN = "return", "Trình duyệt quay về (return URL)"


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", "Ghi nhận thanh toán thành công"
    FAILED = "failed", "Ghi nhận thanh toán không thành công"
    DUPLICATE = "duplicate", "Đã xử lý trước đó (không thay đổi)"
    BAD_SIGNATURE = "bad_signature", "Sai chữ ký"
    WRONG_AMOUNT = "wrong_amount", "Sai số tiền"
    UNKNOWN_ORDER = "unknown_order", "Không tìm thấy giao dịch"
    WRONG_MERCHANT = "wrong_merchant", "Sai mã đơn vị (TmnCode)"
    BAD_REQUEST = "bad_request", "Dữ liệu không hợp lệ"
    DOUBLE_PAYMENT = (
        "double_payment",
        "Hồ sơ đã được thanh toán bằng giao dịch khác (cần hoàn tiền)",
    )


class GatewayNotification(models.Model):
    """Every notification received from the gateway, as received, with what was decided.
    Append-only: ``save`` refuses to update a row and ``delete`` refuses to delete."""

    kind = models.CharField("loại", max_length=8, choices=NotificationKind.choices)
    received_at = models.DateTimeField("nhận lúc", db_index=True)
    params = models.JSONField("tham số nhận được", default=dict)
    remote_addr = models.CharField("địa chỉ gửi", max_length=64, blank=True)
    verdict = models.CharField("kết luận", max_length=16, choices=Verdict.choices)
    reason = models.CharField("lý do", max_length=500, blank=True)
    rsp_code = models.CharField("mã trả lời cổng (RspCode)", max_length=4, blank=True)
    attempt = models.ForeignKey(
        PaymentAttempt,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name="lượt thanh toán",
    )

    class Meta:
        verbose_name = "thông báo từ cổng thanh toán"
        verbose_name_plural = "thông báo từ cổng thanh toán"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_at:%d/%m/%Y %H:%M} {self.verdict}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("gateway notifications are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("gateway notifications are append-only")


class Receipt(models.Model):
    """Biên lai điện tử: numbered per collecting agency and year; the PDF is drawn from this
    row (``receipts.render``), which never changes once issued."""

    payment = models.OneToOneField(
        PaymentRequest, on_delete=models.PROTECT, related_name="receipt", verbose_name="thanh toán"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="receipts", verbose_name="cơ quan thu"
    )
    year = models.PositiveSmallIntegerField("năm")
    number = models.PositiveIntegerField("số biên lai")
    issued_at = models.DateTimeField("lập lúc")
    dossier_code = models.CharField("mã hồ sơ", max_length=60)
    payer_name = models.CharField("người nộp tiền", max_length=255)
    payer_id_number = models.CharField("số định danh", max_length=20, blank=True)
    payer_address = models.CharField("địa chỉ", max_length=500, blank=True)
    items = models.JSONField("các khoản thu", default=list)
    amount_vnd = models.BigIntegerField("số tiền (đồng)")
    channel = models.CharField(
        "hình thức thanh toán", max_length=10, choices=PaymentChannel.choices
    )
    reference = models.CharField("mã giao dịch / chứng từ", max_length=100, blank=True)

    class Meta:
        verbose_name = "biên lai điện tử"
        verbose_name_plural = "biên lai điện tử"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="receipt_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Biên lai số {self.number:07d}/{self.year}"

    @property
    def label(self) -> str:
        return f"{self.number:07d}/{self.year}"
