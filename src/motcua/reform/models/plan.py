"""The reform plan (kế hoạch CCHC), its tasks per area, legal-document counts and indicators.

Every change goes through ``motcua.reform.plan_services`` (one transaction, audited); who may
see or change what is decided in ``motcua.reform.plan_access``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = [
    "Area",
    "AreaNarrative",
    "Indicator",
    "IndicatorValue",
    "LegalDocCount",
    "LegalDocKind",
    "ReformPlan",
    "ReformTask",
    "TaskEvidence",
    "TaskNote",
    "TaskStatus",
]


class Area(models.TextChoices):
    """The six areas of the reform programme, in the order (and numbering) of the reports."""

    INSTITUTIONS = "the_che", "Cải cách thể chế"
    PROCEDURES = "tthc", "Cải cách thủ tục hành chính"
    ORGANISATION = "to_chuc", "Cải cách tổ chức bộ máy"
    CIVIL_SERVICE = "cong_vu", "Cải cách công vụ"
    PUBLIC_FINANCE = "tai_chinh", "Cải cách tài chính công"
    DIGITAL = "cq_so", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"

    @classmethod
    def number(cls, value: str) -> int:
        return list(cls.values).index(value) + 1


class TaskStatus(models.TextChoices):
    NOT_STARTED = "chua_thuc_hien", "Chưa thực hiện"
    IN_PROGRESS = "dang_thuc_hien", "Đang thực hiện"
    DONE = "hoan_thanh", "Hoàn thành"
    CANCELLED = "khong_thuc_hien", "Không thực hiện (đã điều chỉnh kế hoạch)"


OPEN_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


class ReformPlan(models.Model):
    """A province's yearly reform plan (one per unit and year)."""

    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="reform_plans",
        verbose_name="địa bàn",
    )
    year = models.PositiveSmallIntegerField("năm")
    number = models.CharField("số hiệu văn bản", max_length=60, blank=True)
    title = models.CharField("tên kế hoạch", max_length=300)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issuer = models.ForeignKey(
        "units.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cơ quan ban hành",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "kế hoạch cải cách hành chính"
        verbose_name_plural = "kế hoạch cải cách hành chính"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="reform_plan_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class TaskQuerySet(models.QuerySet["ReformTask"]):
    def overdue(self, on: dt.date) -> TaskQuerySet:
        """Tasks still open after their deadline, on the day ``on``."""
        return self.filter(status__in=OPEN_STATUSES, deadline__lt=on)


class ReformTask(models.Model):
    plan = models.ForeignKey(
        ReformPlan, on_delete=models.PROTECT, related_name="tasks", verbose_name="kế hoạch"
    )
    area = models.CharField("lĩnh vực", max_length=12, choices=Area.choices)
    title = models.CharField("nhiệm vụ", max_length=500)
    description = models.TextField("sản phẩm, yêu cầu", blank=True, max_length=4000)
    agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="reform_tasks",
        verbose_name="cơ quan chủ trì",
    )
    deadline = models.DateField("thời hạn")
    status = models.CharField(
        "tình trạng", max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    version = models.PositiveIntegerField("phiên bản", default=0)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "nhiệm vụ cải cách hành chính"
        verbose_name_plural = "nhiệm vụ cải cách hành chính"
        ordering = ["area", "deadline", "pk"]
        indexes = [models.Index(fields=["plan", "area", "status"], name="reform_task_area")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="reform_task_progress"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, on: dt.date) -> bool:
        return self.status in OPEN_STATUSES and self.deadline < on

    def done_late(self) -> bool:
        return bool(
            self.status == TaskStatus.DONE
            and self.completed_on
            and self.completed_on > self.deadline
        )

    def snapshot(self) -> dict[str, object]:
        """What the audit trail records before and after a change."""
        return {
            "area": self.area,
            "title": self.title,
            "description": self.description,
            "agency": self.agency_id,
            "deadline": self.deadline,
            "status": self.status,
            "progress": self.progress,
            "completed_on": self.completed_on,
        }


class TaskNote(models.Model):
    """A progress note (what was done, what is blocked), with the status it was written at."""

    task = models.ForeignKey(
        ReformTask, on_delete=models.CASCADE, related_name="notes", verbose_name="nhiệm vụ"
    )
    at = models.DateTimeField("lúc")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người ghi",
    )
    text = models.TextField("nội dung", max_length=4000)
    status = models.CharField("tình trạng", max_length=16, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField("tiến độ (%)")

    class Meta:
        verbose_name = "ghi nhận tiến độ"
        verbose_name_plural = "ghi nhận tiến độ"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M}: {self.text[:60]}"


class TaskEvidence(models.Model):
    """A document proving the task's result (PDF, JPEG, PNG; checked like dossier uploads)."""

    task = models.ForeignKey(
        ReformTask, on_delete=models.CASCADE, related_name="evidence", verbose_name="nhiệm vụ"
    )
    title = models.CharField("tên tài liệu", max_length=300)
    file = models.FileField("tệp", upload_to="cai-cach/%Y/%m/", max_length=255)
    name = models.CharField("tên tệp", max_length=200)
    content_type = models.CharField("loại tệp", max_length=40)
    size = models.PositiveIntegerField("kích thước")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    pages = models.PositiveIntegerField("số trang", default=1)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người tải lên",
    )
    uploaded_at = models.DateTimeField("tải lên lúc")

    class Meta:
        verbose_name = "tài liệu minh chứng"
        verbose_name_plural = "tài liệu minh chứng"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class LegalDocKind(models.TextChoices):
    DECISIONS = "qd_qppl", "Quyết định quy phạm pháp luật do UBND tỉnh ban hành"
    RESOLUTIONS = "nq_hdnd", "Nghị quyết do HĐND tỉnh ban hành"
    COMMENTED = "gop_y", "Dự thảo văn bản được Sở Tư pháp góp ý"
    APPRAISED = "tham_dinh", "Dự thảo văn bản được Sở Tư pháp thẩm định"
    PROCEDURE_DECISIONS = "qd_cong_bo", "Quyết định công bố thủ tục hành chính"


class LegalDocCount(models.Model):
    """How many legal documents of a kind were issued (or drafts handled) in a period."""

    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="địa bàn",
    )
    period_from = models.DateField("từ ngày")
    period_to = models.DateField("đến ngày")
    kind = models.CharField("loại văn bản", max_length=12, choices=LegalDocKind.choices)
    count = models.PositiveIntegerField("số lượng")
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "số văn bản quy phạm pháp luật"
        verbose_name_plural = "số văn bản quy phạm pháp luật"
        ordering = ["-period_from", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_from", "period_to", "kind"], name="reform_legal_unique"
            ),
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")), name="reform_legal_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.count}"


class Indicator(models.Model):
    """A figure of an area that is not in the one-stop data (budget revenue, disbursement…)."""

    class Kind(models.TextChoices):
        INTEGER = "so_nguyen", "Số nguyên"
        DECIMAL = "so_thap_phan", "Số thập phân"
        PERCENT = "ty_le", "Tỷ lệ (%)"

    code = models.SlugField("mã chỉ tiêu", max_length=40, unique=True)
    name = models.CharField("tên chỉ tiêu", max_length=300)
    area = models.CharField("lĩnh vực", max_length=12, choices=Area.choices)
    kind = models.CharField("kiểu giá trị", max_length=14, choices=Kind.choices)
    measure = models.CharField("đơn vị tính", max_length=40, blank=True)
    description = models.CharField("mô tả", max_length=500, blank=True)

    class Meta:
        verbose_name = "chỉ tiêu cải cách hành chính"
        verbose_name_plural = "chỉ tiêu cải cách hành chính"
        ordering = ["area", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.measure})" if self.measure else self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name="chỉ tiêu"
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="địa bàn",
    )
    period_from = models.DateField("từ ngày")
    period_to = models.DateField("đến ngày")
    value = models.DecimalField("giá trị", max_digits=20, decimal_places=4)
    source = models.CharField("nguồn số liệu", max_length=500)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người nhập",
    )
    entered_at = models.DateTimeField("nhập lúc")

    class Meta:
        verbose_name = "giá trị chỉ tiêu"
        verbose_name_plural = "giá trị chỉ tiêu"
        ordering = ["indicator__area", "indicator__code", "-period_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_from", "period_to"],
                name="reform_indicator_value_unique",
            ),
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")),
                name="reform_indicator_value_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.shown()}"

    def shown(self) -> str:
        """The value in Vietnamese notation, without trailing zeros (7.250; 18,5)."""
        from motcua.core.text import number

        v = self.value.normalize()
        exp = v.as_tuple().exponent
        return number(v, max(0, -exp) if isinstance(exp, int) else 0)


class AreaNarrative(models.Model):
    """The paragraph(s) the province writes for an area and a reporting period."""

    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="địa bàn",
    )
    period_from = models.DateField("từ ngày")
    period_to = models.DateField("đến ngày")
    area = models.CharField("lĩnh vực", max_length=12, choices=Area.choices)
    text = models.TextField("nội dung", max_length=20000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người cập nhật",
    )
    updated_at = models.DateTimeField("cập nhật lúc")

    class Meta:
        verbose_name = "đánh giá theo lĩnh vực"
        verbose_name_plural = "đánh giá theo lĩnh vực"
        ordering = ["-period_from", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_from", "period_to", "area"],
                name="reform_narrative_unique",
            ),
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")),
                name="reform_narrative_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} ({self.period_from:%d/%m/%Y}–{self.period_to:%d/%m/%Y})"
