"""The sandbox gateway's own records: what a real gateway would keep about each transaction,
for the merchant's reconciliation (``list`` query) and for testing it."""

from __future__ import annotations

from django.db import models


class SandboxStatus(models.TextChoices):
    PENDING = "01", "Chưa hoàn tất"
    SUCCESS = "00", "Thành công"
    FAILED = "02", "Lỗi / khách hàng hủy"


class SandboxTransaction(models.Model):
    token = models.CharField("khóa trang thanh toán", max_length=43, unique=True)
    tmn_code = models.CharField("mã đơn vị", max_length=20)
    txn_ref = models.CharField("mã giao dịch của đơn vị", max_length=40)
    amount = models.BigIntegerField("số tiền (×100)")
    order_info = models.CharField("nội dung", max_length=255)
    return_url = models.CharField("địa chỉ quay về", max_length=512)
    ip = models.CharField("IP khách hàng", max_length=64)
    created_at = models.DateTimeField("tạo lúc", db_index=True)
    status = models.CharField(
        "trạng thái", max_length=2, choices=SandboxStatus.choices, default=SandboxStatus.PENDING
    )
    response_code = models.CharField("mã phản hồi", max_length=2, blank=True)
    transaction_no = models.CharField("mã giao dịch tại cổng", max_length=20, blank=True)
    bank_code = models.CharField("ngân hàng", max_length=20, default="NCB")
    pay_date = models.DateTimeField("thanh toán lúc", null=True, blank=True)
    ipn_attempts = models.PositiveSmallIntegerField("số lần gửi IPN", default=0)
    ipn_answer = models.CharField("trả lời IPN gần nhất", max_length=500, blank=True)

    class Meta:
        verbose_name = "giao dịch thử nghiệm"
        verbose_name_plural = "giao dịch thử nghiệm"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tmn_code", "txn_ref"], name="sandbox_txn_unique")
        ]

    def __str__(self) -> str:
        return f"{self.tmn_code}/{self.txn_ref}"
