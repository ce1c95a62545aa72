"""The append-only, hash-chained audit trail: who changed what, when, before → after."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditHead(models.Model):
    """One row holding the chain's last hash; locking it serialises appends."""

    last_hash = models.CharField("mã băm cuối", max_length=64, default="0" * 64)
    count = models.BigIntegerField("số mục", default=0)

    class Meta:
        verbose_name = "đầu chuỗi kiểm toán"
        verbose_name_plural = "đầu chuỗi kiểm toán"

    def __str__(self) -> str:
        return f"{self.count} mục, cuối {self.last_hash[:12]}"


class AuditEntry(models.Model):
    at = models.DateTimeField("thời điểm", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="người thực hiện",
    )
    actor_label = models.CharField("người thực hiện (tên)", max_length=200)
    action = models.CharField("hành động", max_length=80, db_index=True)
    object_type = models.CharField("loại đối tượng", max_length=80)
    object_id = models.CharField("mã đối tượng", max_length=80, db_index=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau khi đổi", null=True, blank=True)
    prev_hash = models.CharField("mã băm mục trước", max_length=64)
    hash = models.CharField("mã băm", max_length=64, unique=True)

    class Meta:
        verbose_name = "mục nhật ký kiểm toán"
        verbose_name_plural = "nhật ký kiểm toán"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"
