"""The append-only, hash-chained audit trail: who changed what, when, before → after.

Each entry carries its position (``seq``, 1, 2, 3 … without gaps) and an HMAC-SHA256 over every
one of its fields and the previous entry's hash, keyed by ``MOTCUA_AUDIT_KEY`` (docs/audit.md).
The head row holds the last position and hash, itself sealed with the key, so that removing the
last entries is detected as well as editing, inserting or reordering them. On PostgreSQL a
trigger refuses UPDATE and DELETE of entries and any head change that does not move it forward.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

GENESIS = "0" * 64


class AuditHead(models.Model):
    """One row holding the chain's last position and hash; locking it serialises appends."""

    last_hash = models.CharField("mã băm cuối", max_length=64, default=GENESIS)
    # the position (seq) of the last entry, i.e. how many entries the chain has
    count = models.BigIntegerField("số mục", default=0)
    # HMAC of (count, last_hash): an edited or rolled-back head is detected
    mac = models.CharField("mã xác thực đầu chuỗi", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "đầu chuỗi kiểm toán"
        verbose_name_plural = "đầu chuỗi kiểm toán"

    def __str__(self) -> str:
        return f"{self.count} mục, cuối {self.last_hash[:12]}"


class AuditEntry(models.Model):
    seq = models.BigIntegerField("số thứ tự trong chuỗi", unique=True)
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
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"
