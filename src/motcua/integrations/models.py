"""What the default SMS backend sends: one row per text, keyed by the outbox reference so that
a retried delivery never writes (or sends) a text twice."""

from __future__ import annotations

from django.db import models


class SmsMessage(models.Model):
    ref = models.CharField("mã tham chiếu", max_length=60, unique=True)
    to = models.CharField("số điện thoại", max_length=20)
    text = models.TextField("nội dung")
    sent_at = models.DateTimeField("ghi lúc", db_index=True)

    class Meta:
        verbose_name = "tin nhắn SMS (nhật ký)"
        verbose_name_plural = "tin nhắn SMS (nhật ký)"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:40]}"
