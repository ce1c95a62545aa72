"""Every check against the national population database, as it was asked and answered.

Personal data kept to the minimum (Decree 13/2023): the inputs are not stored, only their keyed
digest (``matching.inputs_digest``), which fields were asked, the verdict, which fields did not
match, the platform's transaction id, who asked, where (desk, dossier) and when. The dossier
itself carries the applicant's name and ID number already.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Outcome(models.TextChoices):
    MATCH = "match", "Khớp"
    MISMATCH = "mismatch", "Không khớp"
    UNAVAILABLE = "unavailable", "Không kết nối được"


class Context(models.TextChoices):
    COUNTER = "counter", "Tiếp nhận tại quầy"
    ONLINE = "online", "Nộp trực tuyến"
    DOSSIER = "dossier", "Trang hồ sơ"
    API = "api", "API"


FIELD_LABELS = {"id_number": "số định danh", "name": "họ tên", "birth_date": "ngày sinh"}

REASON_LABELS = {
    "connection": "không kết nối được",
    "timeout": "quá thời gian chờ",
    "bad_token": "bị từ chối mã truy cập",
    "bad_answer": "trả lời không đúng giao thức",
    "remote_error": "hệ thống báo lỗi",
    "circuit_open": "tạm ngừng gọi sau nhiều lần lỗi liên tiếp",
    "not_configured": "chưa cấu hình kết nối",
}


class Verification(models.Model):
    checked_at = models.DateTimeField("kiểm tra lúc", db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người yêu cầu",
    )
    context = models.CharField("nơi yêu cầu", max_length=10, choices=Context.choices)
    agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="nơi tiếp nhận",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="popdata_checks",
        verbose_name="hồ sơ",
    )
    inputs_digest = models.CharField("mã băm thông tin kiểm tra", max_length=64)
    fields_checked = models.JSONField("trường đã kiểm tra", default=list)
    outcome = models.CharField("kết quả", max_length=12, choices=Outcome.choices)
    mismatched = models.JSONField("trường không khớp", default=list)
    reference = models.CharField("mã giao dịch", max_length=100, blank=True)
    reason = models.CharField("lý do không kết nối được", max_length=40, blank=True)
    cached = models.BooleanField("lấy từ kết quả vừa kiểm tra", default=False)
    override_reason = models.TextField("lý do vẫn tiếp nhận khi không khớp", blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người quyết định tiếp nhận",
    )
    overridden_at = models.DateTimeField("quyết định lúc", null=True, blank=True)

    class Meta:
        verbose_name = "xác thực thông tin công dân"
        verbose_name_plural = "xác thực thông tin công dân"
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["dossier", "-checked_at"], name="popdata_dossier_last")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.checked_at:%Y-%m-%d %H:%M})"

    @property
    def mismatched_labels(self) -> list[str]:
        return [FIELD_LABELS.get(f, f) for f in self.mismatched]

    @property
    def checked_labels(self) -> list[str]:
        return [FIELD_LABELS.get(f, f) for f in self.fields_checked]

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)
