"""Delivery state of the national public-service portal link (the outbox rows stay as written).

``PortalDelivery``: one per ``portal.sync`` outbox row, created by the worker the first time it
looks at the row; it holds the event id the portal deduplicates on, the attempts, the next
attempt (exponential back-off) and the last error. ``PortalInbound``: a dossier filed on the
national portal, by the portal's own dossier id (a replay returns the same dossier).
"""

from __future__ import annotations

import uuid

from django.db import models

from motcua.dossiers.models import Dossier, Outbox


class PortalDelivery(models.Model):
    outbox = models.OneToOneField(
        Outbox,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="portal_delivery",
        verbose_name="thông điệp",
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="+", verbose_name="hồ sơ"
    )
    #: sent as ``event_id`` and ``Idempotency-Key``: the portal drops a message it already has
    event_id = models.UUIDField("mã sự kiện", default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lại từ", null=True, blank=True, db_index=True)
    last_status = models.PositiveSmallIntegerField("mã HTTP gần nhất", null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    delivered_at = models.DateTimeField("đã gửi lúc", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "đồng bộ Cổng DVC quốc gia"
        verbose_name_plural = "đồng bộ Cổng DVC quốc gia"
        ordering = ["outbox_id"]

    def __str__(self) -> str:
        return f"{self.event_id} ({self.outbox_id})"


class PortalInbound(models.Model):
    national_id = models.CharField("mã hồ sơ trên Cổng DVC quốc gia", max_length=64, unique=True)
    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="portal_inbound", verbose_name="hồ sơ"
    )
    body_sha256 = models.CharField("băm SHA-256 của nội dung", max_length=64)
    received_at = models.DateTimeField("nhận lúc", auto_now_add=True)

    class Meta:
        verbose_name = "hồ sơ từ Cổng DVC quốc gia"
        verbose_name_plural = "hồ sơ từ Cổng DVC quốc gia"

    def __str__(self) -> str:
        return f"{self.national_id} → {self.dossier_id}"


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
