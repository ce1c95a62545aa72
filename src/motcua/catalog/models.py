"""The procedure catalog (thủ tục hành chính): versioned, with validity dates and internal
processes.

Like Open Zaak's catalogue, a procedure is published, amended (a new version replaces the old
from a date), replaced by another procedure, or abolished, each by a decision (quyết định công bố).
The rows are the data; the rules (validation, publishing, the process budget) are in ``services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from motcua.core.models import SearchableModel
from motcua.core.text import vnd
from motcua.units.models import Agency, Level


class Field(SearchableModel):
    """Lĩnh vực (sector/field), e.g. 'Hộ tịch', 'Đất đai'. Code in the style ``G03-GD10``."""

    SEARCH_FIELDS = ("code", "name")
    code = models.CharField("mã lĩnh vực", max_length=40, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=255)
    ministry = models.CharField("bộ, ngành quản lý", max_length=255, blank=True)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OnlineService(models.TextChoices):
    FULL = "toan_trinh", "Dịch vụ công trực tuyến toàn trình"
    PARTIAL = "mot_phan", "Dịch vụ công trực tuyến một phần"
    NONE = "khong", "Không cung cấp trực tuyến"


class ResultKind(models.TextChoices):
    PAPER = "giay", "Bản giấy"
    ELECTRONIC = "dien_tu", "Bản điện tử"
    BOTH = "ca_hai", "Bản giấy và bản điện tử"


class ProcedureStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    PUBLISHED = "published", "Đã công bố"
    AMENDED = "amended", "Đã sửa đổi (phiên bản cũ)"
    REPLACED = "replaced", "Đã bị thay thế"
    ABOLISHED = "abolished", "Đã bãi bỏ"


class Procedure(SearchableModel):
    """One version of a procedure. ``code`` is the national code (e.g. ``1.010708``)."""

    SEARCH_FIELDS = ("code", "local_code", "name")

    code = models.CharField("mã thủ tục", max_length=40, db_index=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    local_code = models.CharField(
        "mã thủ tục tại địa phương",
        max_length=80,
        blank=True,
        help_text="Mã quốc gia + '.' + mã định danh cơ quan, ví dụ 1.010708.000.00.00.H56",
    )
    name = models.CharField("tên thủ tục", max_length=500)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="procedures", verbose_name="lĩnh vực"
    )
    level = models.PositiveSmallIntegerField(
        "cấp thực hiện chính",
        choices=Level.choices,
        help_text="Cấp có thẩm quyền giải quyết; dùng để thống kê theo cấp.",
    )
    at_province = models.BooleanField("thực hiện tại cấp tỉnh", default=False)
    at_district = models.BooleanField("thực hiện tại cấp huyện", default=False)
    at_commune = models.BooleanField("thực hiện tại cấp xã", default=False)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name="cơ quan thực hiện",
    )
    agency_text = models.CharField(
        "cơ quan thực hiện (mô tả)",
        max_length=255,
        blank=True,
        help_text="Ví dụ: UBND cấp xã — khi thủ tục do mọi cơ quan cùng loại thực hiện.",
    )
    time_limit_days = models.DecimalField(
        "thời hạn giải quyết (ngày làm việc)",
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    result = models.CharField("kết quả thực hiện", max_length=500, blank=True)
    result_kind = models.CharField(
        "hình thức kết quả", max_length=10, choices=ResultKind.choices, default=ResultKind.PAPER
    )
    online_service = models.CharField(
        "dịch vụ công trực tuyến",
        max_length=12,
        choices=OnlineService.choices,
        default=OnlineService.NONE,
    )
    legacy_online_level = models.PositiveSmallIntegerField(
        "mức độ DVCTT cũ (NĐ 43/2011)",
        null=True,
        blank=True,
        choices=[(2, "Mức độ 2"), (3, "Mức độ 3"), (4, "Mức độ 4")],
    )
    is_inter_level = models.BooleanField("liên thông giữa các cấp", default=False)
    is_vertical = models.BooleanField("ngành dọc", default=False)
    pause_on_supplement = models.BooleanField(
        "bổ sung hồ sơ: tạm dừng thay vì tính lại từ đầu",
        default=False,
        help_text="Mặc định (theo NĐ 61/2018) thời hạn tính lại từ đầu khi nhận đủ hồ sơ bổ sung; "
        "một số luật chuyên ngành chỉ tạm dừng.",
    )
    national_portal = models.BooleanField(
        "kết nối Cổng Dịch vụ công quốc gia",
        default=False,
        help_text="Dịch vụ công trực tuyến của thủ tục đã được tích hợp, kết nối với Cổng Dịch vụ "
        "công quốc gia (chỉ tiêu báo cáo: số dịch vụ công kết nối Cổng DVC quốc gia).",
    )
    prepayment = models.BooleanField(
        "nộp phí khi nộp hồ sơ trực tuyến (thanh toán trước)",
        default=False,
        help_text="Hồ sơ nộp trực tuyến phát sinh khoản phí, lệ phí ngay khi nộp (người nộp "
        "có thể thanh toán trước khi Bộ phận Một cửa tiếp nhận); không có tác dụng với thủ "
        "tục không thu phí.",
    )
    supplement_window_days = models.DecimalField(
        "thời hạn yêu cầu bổ sung (ngày làm việc)",
        max_digits=4,
        decimal_places=1,
        default=Decimal(3),
        help_text="Mặc định 3 ngày làm việc kể từ ngày tiếp nhận.",
    )
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=ProcedureStatus.choices,
        default=ProcedureStatus.DRAFT,
        db_index=True,
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    decision = models.CharField("quyết định công bố", max_length=200, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
        verbose_name="được thay thế bởi",
    )
    needs_review = models.BooleanField("cần rà soát (tạo khi nhập dữ liệu)", default=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="procedure_code_version"),
            models.CheckConstraint(
                condition=models.Q(at_province=True)
                | models.Q(at_district=True)
                | models.Q(at_commune=True),
                name="procedure_has_level",
            ),
        ]
        indexes = [models.Index(fields=["level", "status"], name="procedure_level_status")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class RequiredDocument(models.Model):
    """Thành phần hồ sơ: a document the applicant files, with the number of originals/copies."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="documents", verbose_name="thủ tục"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên giấy tờ", max_length=500)
    originals = models.PositiveSmallIntegerField("số bản chính", default=1)
    copies = models.PositiveSmallIntegerField("số bản sao", default=0)
    mandatory = models.BooleanField("bắt buộc", default=True)

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="document_order_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FeeItem(models.Model):
    """Phí, lệ phí: integer VND."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="fees", verbose_name="thủ tục"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("khoản phí, lệ phí", max_length=255)
    amount_vnd = models.BigIntegerField("số tiền (đồng)", validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="fee_order_unique"),
            models.CheckConstraint(condition=models.Q(amount_vnd__gte=0), name="fee_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {vnd(self.amount_vnd)}"


class StepRole(models.TextChoices):
    RECEIVE = "tiep_nhan", "Tiếp nhận hồ sơ (Bộ phận Một cửa)"
    PROCESS = "chuyen_vien", "Chuyên viên xử lý, thẩm định"
    REVIEW = "lanh_dao_phong", "Lãnh đạo phòng xem xét"
    APPROVE = "lanh_dao", "Lãnh đạo cơ quan phê duyệt, ký"
    TRANSFER = "lien_thong", "Chuyển liên thông cơ quan khác"
    RETURN = "tra_ket_qua", "Trả kết quả (Bộ phận Một cửa)"


class ProcessStep(models.Model):
    """One step of the internal process (quy trình nội bộ) with its time budget in working days."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="steps", verbose_name="thủ tục"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên bước", max_length=255)
    role = models.CharField("vai trò thực hiện", max_length=16, choices=StepRole.choices)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_steps",
        verbose_name="cơ quan thực hiện bước",
        help_text="Để trống: cơ quan giải quyết hồ sơ.",
    )
    level = models.PositiveSmallIntegerField(
        "cấp thực hiện bước",
        choices=Level.choices,
        null=True,
        blank=True,
        help_text="Cho bước liên thông sang cấp khác khi không chỉ định cơ quan cụ thể.",
    )
    budget_days = models.DecimalField(
        "thời gian (ngày làm việc)",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = "bước quy trình nội bộ"
        verbose_name_plural = "quy trình nội bộ"
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="step_order_unique"),
            models.CheckConstraint(condition=models.Q(budget_days__gt=0), name="step_budget_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name} ({self.budget_days} ngày)"
