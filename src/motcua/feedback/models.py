"""Feedback and petitions of citizens and organisations (phản ánh, kiến nghị) about a dossier or
an agency: received, assigned to an officer, answered within a number of working days, and the
answer published on the portal where the sender allowed it (docs/feedback.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from motcua.dossiers.models import Dossier
from motcua.units.models import Agency


class Kind(models.TextChoices):
    COMPLAINT = "phan_anh", "Phản ánh"
    PETITION = "kien_nghi", "Kiến nghị"


class Status(models.TextChoices):
    RECEIVED = "received", "Mới tiếp nhận"
    ASSIGNED = "assigned", "Đang xử lý"
    ANSWERED = "answered", "Đã trả lời"


class Feedback(models.Model):
    code = models.CharField("mã phản ánh", max_length=30, unique=True)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    subject = models.CharField("tiêu đề", max_length=200)
    content = models.TextField("nội dung")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="feedback", verbose_name="cơ quan"
    )
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        verbose_name="hồ sơ",
    )
    # the portal account that sent it; null for an anonymous sender
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="tài khoản gửi",
    )
    # the sender's name and contact as given with this feedback (answers go there)
    sender_name = models.CharField("người gửi", max_length=255)
    sender_email = models.EmailField("thư điện tử người gửi", blank=True)
    sender_phone = models.CharField("điện thoại người gửi", max_length=20, blank=True)
    publish_allowed = models.BooleanField("đồng ý công khai câu trả lời", default=False)
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField("tiếp nhận lúc", db_index=True)
    time_limit_days = models.DecimalField(
        "thời hạn (ngày làm việc)", max_digits=5, decimal_places=2
    )
    due_at = models.DateTimeField("hạn trả lời", db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cán bộ xử lý",
    )
    assigned_at = models.DateTimeField("phân công lúc", null=True, blank=True)
    answer = models.TextField("nội dung trả lời", blank=True)
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True, db_index=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người trả lời",
    )
    version = models.PositiveIntegerField("phiên bản", default=0)

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["agency", "status"], name="feedback_agency_status")]

    def __str__(self) -> str:
        return f"{self.code} — {self.subject}"

    @property
    def on_time(self) -> bool | None:
        """Answered no later than its due instant (None while unanswered)."""
        if self.answered_at is None:
            return None
        return self.answered_at <= self.due_at

    @property
    def published(self) -> bool:
        return self.status == Status.ANSWERED and self.publish_allowed
