"""Online public services of the portal: drafts of online submissions, the personal electronic
data store (Decree 45/2020 Art. 16) with its reuse records, citizens' withdrawal requests, and
counter-visit booking (slots published by a desk, bookings with a short code).

Rows only: every write goes through ``services``; reads scoped to an account through
``selectors``. A dossier itself is created and changed only by ``motcua.dossiers.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Document, Dossier
from motcua.units.models import Agency


class Draft(models.Model):
    """An online submission being prepared: what the applicant typed, and the files chosen."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="eservice_drafts",
        verbose_name="tài khoản",
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", verbose_name="thủ tục"
    )
    desk = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="+", verbose_name="nơi tiếp nhận"
    )
    # the applicant's data as typed (ApplicantData fields) and the request
    applicant = models.JSONField("người nộp", default=dict)
    request = models.TextField("nội dung yêu cầu", blank=True)
    # the procedure's application form as filled (motcua.eforms), checked when saved
    form_data = models.JSONField("dữ liệu tờ khai", default=dict, blank=True)
    created_at = models.DateTimeField("tạo lúc")
    updated_at = models.DateTimeField("lưu lúc")

    class Meta:
        verbose_name = "hồ sơ trực tuyến đang soạn"
        verbose_name_plural = "hồ sơ trực tuyến đang soạn"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"Bản nháp {self.procedure.code} #{self.pk}"


class StoredDocument(models.Model):
    """One document of a person's electronic data store (Kho quản lý dữ liệu điện tử của tổ
    chức, cá nhân — Decree 45/2020 Art. 16).

    Uploaded by the account holder (the file is the store's own), or offered automatically from
    one of the account's dossiers: an input digitized at the desk, an electronic input of an
    online dossier, or an electronic result (``origin``: that dossier document; the file is the
    origin's, never copied). ``reuse_count`` / ``last_reused_at`` say how often it was reused;
    ``DocumentReuse`` rows say when and for which dossier."""

    class Source(models.TextChoices):
        UPLOAD = "upload", "Người dùng tải lên"
        SCAN = "scan", "Số hóa khi tiếp nhận hồ sơ"
        INPUT = "input", "Thành phần hồ sơ trực tuyến đã nộp"
        RESULT = "result", "Kết quả giải quyết điện tử"

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="stored_documents",
        verbose_name="tài khoản",
    )
    title = models.CharField("tên giấy tờ", max_length=500)
    source = models.CharField("nguồn", max_length=8, choices=Source.choices)
    origin = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stored_copies",
        verbose_name="tài liệu gốc của hồ sơ",
    )
    file = models.FileField("tệp", upload_to="kho/%Y/%m/", max_length=255)
    name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("kiểu tệp", max_length=80)
    size = models.PositiveIntegerField("kích thước (byte)")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    pages = models.PositiveIntegerField("số trang", default=0)
    reuse_count = models.PositiveIntegerField("số lần tái sử dụng", default=0)
    last_reused_at = models.DateTimeField("tái sử dụng gần nhất", null=True, blank=True)
    hidden = models.BooleanField("đã xóa khỏi kho (không đề xuất lại)", default=False)
    created_at = models.DateTimeField("đưa vào kho lúc")

    class Meta:
        verbose_name = "giấy tờ trong kho dữ liệu cá nhân"
        verbose_name_plural = "kho dữ liệu điện tử của tổ chức, cá nhân"
        ordering = ["title", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "origin"],
                condition=models.Q(origin__isnull=False),
                name="stored_document_origin_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class DocumentReuse(models.Model):
    """A stored document reused in a new dossier: the dossier's document it became."""

    stored = models.ForeignKey(
        StoredDocument,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
        verbose_name="giấy tờ trong kho",
    )
    document = models.OneToOneField(
        Document,
        on_delete=models.CASCADE,
        related_name="store_reuse",
        verbose_name="tài liệu của hồ sơ mới",
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="store_reuses", verbose_name="hồ sơ"
    )
    at = models.DateTimeField("thời điểm")

    class Meta:
        verbose_name = "lần tái sử dụng dữ liệu"
        verbose_name_plural = "lần tái sử dụng dữ liệu"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.stored} → {self.dossier}"


class DraftFile(models.Model):
    """One slot of a draft: an uploaded file (kept under the draft) or a stored document."""

    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, related_name="files", verbose_name="bản nháp"
    )
    required_document = models.CharField("thành phần hồ sơ", max_length=500)
    stored = models.ForeignKey(
        StoredDocument,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="dùng lại từ kho",
    )
    file = models.FileField("tệp", upload_to="nhap/%Y/%m/", max_length=255, blank=True)
    name = models.CharField("tên tệp", max_length=255, blank=True)
    content_type = models.CharField("kiểu tệp", max_length=80, blank=True)
    size = models.PositiveIntegerField("kích thước (byte)", default=0)
    sha256 = models.CharField("mã băm SHA-256", max_length=64, blank=True)
    pages = models.PositiveIntegerField("số trang", default=0)

    class Meta:
        verbose_name = "tệp của bản nháp"
        verbose_name_plural = "tệp của bản nháp"
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "required_document"], name="draft_file_one_per_slot"
            )
        ]

    def __str__(self) -> str:
        return self.required_document


class WithdrawalRequest(models.Model):
    """The applicant asks online to withdraw a dossier; the desk's officer confirms it
    (``dossier_withdraw``, stop notice) or declines it with a reason."""

    class State(models.TextChoices):
        PENDING = "pending", "Chờ Bộ phận Một cửa xác nhận"
        CONFIRMED = "confirmed", "Đã dừng giải quyết hồ sơ"
        DECLINED = "declined", "Không chấp nhận"

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="withdrawal_requests", verbose_name="hồ sơ"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="tài khoản yêu cầu",
    )
    reason = models.TextField("lý do rút hồ sơ")
    state = models.CharField(
        "tình trạng", max_length=10, choices=State.choices, default=State.PENDING
    )
    requested_at = models.DateTimeField("yêu cầu lúc")
    decided_at = models.DateTimeField("xử lý lúc", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cán bộ xử lý",
    )
    answer = models.TextField("trả lời của cán bộ", blank=True)

    class Meta:
        verbose_name = "yêu cầu rút hồ sơ trực tuyến"
        verbose_name_plural = "yêu cầu rút hồ sơ trực tuyến"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(state="pending"),
                name="withdrawal_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"Yêu cầu rút {self.dossier}"


class SlotTemplate(models.Model):
    """A desk's weekly pattern of counter-visit slots (weekday, start, capacity), from which a
    week of ``Slot`` rows is generated (admin action, ``motcua booking-slots``)."""

    desk = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="slot_templates",
        verbose_name="nơi tiếp nhận",
    )
    weekday = models.PositiveSmallIntegerField(
        "thứ",
        choices=[
            (0, "Thứ Hai"),
            (1, "Thứ Ba"),
            (2, "Thứ Tư"),
            (3, "Thứ Năm"),
            (4, "Thứ Sáu"),
            (5, "Thứ Bảy"),
            (6, "Chủ nhật"),
        ],
    )
    start = models.TimeField("giờ bắt đầu")
    capacity = models.PositiveSmallIntegerField("số lượt tối đa", default=5)

    class Meta:
        verbose_name = "mẫu khung giờ tiếp dân"
        verbose_name_plural = "mẫu khung giờ tiếp dân"
        ordering = ["desk", "weekday", "start"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "weekday", "start"], name="slot_template_once")
        ]

    def __str__(self) -> str:
        return f"{self.desk} {self.get_weekday_display()} {self.start:%H:%M}"


class Slot(models.Model):
    """A time slot a desk publishes for counter visits on one day."""

    desk = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="booking_slots", verbose_name="nơi tiếp nhận"
    )
    date = models.DateField("ngày")
    start = models.TimeField("giờ bắt đầu")
    capacity = models.PositiveSmallIntegerField("số lượt tối đa")
    booked = models.PositiveSmallIntegerField("đã đặt", default=0)

    class Meta:
        verbose_name = "khung giờ tiếp nhận"
        verbose_name_plural = "khung giờ tiếp nhận"
        ordering = ["date", "start", "desk"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "date", "start"], name="slot_once"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desk} {self.date:%d/%m/%Y} {self.start:%H:%M}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


class Booking(models.Model):
    """A citizen's booked counter visit for a procedure, with a short code shown at the desk."""

    class State(models.TextChoices):
        ACTIVE = "active", "Đã đặt"
        CANCELLED = "cancelled", "Đã hủy"
        USED = "used", "Đã đến nộp"

    code = models.CharField("mã đặt lịch", max_length=12, unique=True)
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name="khung giờ"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bookings",
        verbose_name="tài khoản",
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="+", verbose_name="thủ tục"
    )
    state = models.CharField("tình trạng", max_length=10, choices=State.choices, default="active")
    created_at = models.DateTimeField("đặt lúc")
    cancelled_at = models.DateTimeField("hủy lúc", null=True, blank=True)

    class Meta:
        verbose_name = "lịch hẹn nộp hồ sơ"
        verbose_name_plural = "lịch hẹn nộp hồ sơ"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "account"],
                condition=models.Q(state="active"),
                name="booking_once_per_slot",
            )
        ]

    def __str__(self) -> str:
        return self.code
