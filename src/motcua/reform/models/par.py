"""The PAR index (Chỉ số CCHC): criteria tree, self-assessment, appraisal, index and rank.

The criteria tree is data (``ParTemplate`` → ``ParCriterion``: fields, criteria, sub-criteria)
loaded from ``reform/data/par/*.json`` and editable by an administrator; every rule is validated
when saved (``par_rules.validate``). An agency scores itself once a year (``ParAssessment``, one
``ParScore`` per leaf criterion), the province's appraisers adjust, and the index is computed from
the stored points (``par_selectors.ranking``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from motcua.reform import par_rules

__all__ = [
    "ParAssessment",
    "ParCriterion",
    "ParGroup",
    "ParScore",
    "ParSource",
    "ParStatus",
    "ParTemplate",
]


class ParGroup(models.TextChoices):
    DEPARTMENT = "so_nganh", "Sở, ban, ngành"
    DISTRICT = "huyen", "UBND cấp huyện"
    COMMUNE = "xa", "UBND cấp xã"


class ParSource(models.TextChoices):
    SELF = "tu_cham", "Cơ quan tự đánh giá"
    AUTO = "tu_dong", "Tự động từ số liệu hệ thống"
    SURVEY = "dieu_tra", "Điều tra xã hội học"


class ParStatus(models.TextChoices):
    DRAFT = "nhap", "Đang tự đánh giá"
    SUBMITTED = "da_gui", "Đã gửi thẩm định"
    APPRAISED = "da_tham_dinh", "Đã thẩm định"


class ParTemplate(models.Model):
    """A criteria tree for one group of agencies over a range of years, with its source."""

    code = models.CharField("mã bộ tiêu chí", max_length=40, unique=True)
    name = models.CharField("tên bộ tiêu chí", max_length=255)
    group = models.CharField("nhóm cơ quan", max_length=10, choices=ParGroup.choices)
    year_from = models.PositiveSmallIntegerField("áp dụng từ năm")
    year_to = models.PositiveSmallIntegerField("áp dụng đến năm", null=True, blank=True)
    source = models.TextField("văn bản nguồn")
    source_note = models.TextField("phần lấy từ quy định, phần cần xác minh", blank=True)
    active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "bộ tiêu chí Chỉ số CCHC"
        verbose_name_plural = "bộ tiêu chí Chỉ số CCHC"
        ordering = ["group", "-year_from"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.year_to is not None and self.year_to < self.year_from:
            raise ValidationError({"year_to": "Năm kết thúc phải từ năm bắt đầu trở đi"})

    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria.all() if c.is_leaf()), start=Decimal(0))


class ParCriterion(models.Model):
    """A field (lĩnh vực), criterion or sub-criterion; only leaves are scored."""

    template = models.ForeignKey(
        ParTemplate, on_delete=models.CASCADE, related_name="criteria", verbose_name="bộ tiêu chí"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name="thuộc",
    )
    code = models.CharField("mã", max_length=20)
    name = models.CharField("nội dung", max_length=500)
    order = models.PositiveIntegerField("thứ tự", default=0)
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2)
    source = models.CharField(
        "nguồn điểm", max_length=10, choices=ParSource.choices, default=ParSource.SELF
    )
    metric = models.CharField(
        "số liệu tự động",
        max_length=40,
        blank=True,
        help_text="Với nguồn «tự động»: tên số liệu (xem docs/reform-index.md).",
    )
    rule = models.JSONField("quy tắc chấm điểm", default=dict, blank=True)
    evidence_required = models.BooleanField("bắt buộc tài liệu kiểm chứng", default=False)
    evidence_hint = models.CharField("tài liệu kiểm chứng", max_length=500, blank=True)
    origin = models.CharField("nguồn của tiêu chí", max_length=200, blank=True)

    class Meta:
        verbose_name = "tiêu chí Chỉ số CCHC"
        verbose_name_plural = "tiêu chí Chỉ số CCHC"
        ordering = ["template", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="par_criterion_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        # every path (admin, loader, shell) validates the rule: a bad rule is never stored
        self.clean()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        return f"Tiêu chí {self.code} «{self.name[:80]}»"

    def is_leaf(self) -> bool:
        """Leaves carry a rule; a node with a rule of ``{}`` is a heading (field, group)."""
        return bool(self.rule)

    def clean(self) -> None:
        from motcua.reform.par_auto import METRICS

        if self.max_points is None or self.max_points < 0:
            raise ValidationError({"max_points": f"{self.label}: điểm tối đa không được âm"})
        if self.parent_id and self.parent.template_id != self.template_id:
            raise ValidationError({"parent": f"{self.label}: tiêu chí cha thuộc bộ khác"})
        if self.rule:
            try:
                self.rule = par_rules.validate(self.rule, self.max_points, self.label)
            except par_rules.RuleError as exc:
                raise ValidationError({"rule": exc.message}) from None
        elif self.source != ParSource.SELF or self.metric:
            raise ValidationError({"rule": f"{self.label}: tiêu chí được chấm phải có quy tắc"})
        if self.source == ParSource.AUTO and self.metric not in METRICS:
            names = ", ".join(METRICS)
            raise ValidationError(
                {"metric": f"{self.label}: số liệu tự động «{self.metric}» không có ({names})"}
            )
        if self.source != ParSource.AUTO and self.metric:
            raise ValidationError(
                {"metric": f"{self.label}: chỉ tiêu chí nguồn «tự động» mới có số liệu tự động"}
            )
        if self.source != ParSource.SELF and self.rule.get("kind") == "manual":
            raise ValidationError(
                {"rule": f"{self.label}: tiêu chí tự động hoặc điều tra cần quy tắc tính điểm"}
            )


class ParAssessment(models.Model):
    """One agency's index for one year: self-assessment, then the province's appraisal."""

    template = models.ForeignKey(
        ParTemplate, on_delete=models.PROTECT, related_name="assessments", verbose_name="bộ"
    )
    agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="par_assessments",
        verbose_name="cơ quan",
    )
    year = models.PositiveSmallIntegerField("năm đánh giá")
    status = models.CharField(
        "trạng thái", max_length=14, choices=ParStatus.choices, default=ParStatus.DRAFT
    )
    self_total = models.DecimalField("điểm tự đánh giá", max_digits=7, decimal_places=2, default=0)
    final_total = models.DecimalField("điểm thẩm định", max_digits=7, decimal_places=2, default=0)
    max_total = models.DecimalField("điểm tối đa", max_digits=7, decimal_places=2, default=0)
    auto_at = models.DateTimeField("cập nhật số liệu tự động lúc", null=True, blank=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người gửi",
    )
    appraised_at = models.DateTimeField("thẩm định xong lúc", null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người thẩm định",
    )

    class Meta:
        verbose_name = "kết quả Chỉ số CCHC"
        verbose_name_plural = "kết quả Chỉ số CCHC"
        ordering = ["-year", "agency__code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="par_assessment_unique")
        ]

    def __str__(self) -> str:
        return f"Chỉ số CCHC {self.year} — {self.agency}"

    @property
    def locked(self) -> bool:
        return self.status != ParStatus.DRAFT


class ParScore(models.Model):
    """A leaf criterion's score in one assessment.

    ``value``: the measured value the rule scores (entered, or from the system, or the survey);
    ``self_points``: the points before appraisal; ``final_points``: the appraiser's points when
    changed (None: the self points stand)."""

    assessment = models.ForeignKey(
        ParAssessment, on_delete=models.CASCADE, related_name="scores", verbose_name="kết quả"
    )
    criterion = models.ForeignKey(
        ParCriterion, on_delete=models.PROTECT, related_name="scores", verbose_name="tiêu chí"
    )
    value = models.DecimalField("giá trị", max_digits=14, decimal_places=2, null=True, blank=True)
    self_points = models.DecimalField(
        "điểm tự đánh giá", max_digits=6, decimal_places=2, null=True, blank=True
    )
    evidence = models.TextField("tài liệu kiểm chứng", blank=True)
    note = models.TextField("giải trình", blank=True)
    auto_detail = models.JSONField("số liệu hệ thống", null=True, blank=True)
    final_points = models.DecimalField(
        "điểm thẩm định", max_digits=6, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField("ý kiến thẩm định", blank=True)
    appraised_at = models.DateTimeField("thẩm định lúc", null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người thẩm định",
    )

    class Meta:
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"
        ordering = ["criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="par_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"

    @property
    def points(self) -> Decimal:
        """The points that count: the appraiser's when set, else the self points (0 if none)."""
        if self.final_points is not None:
            return self.final_points
        return self.self_points if self.self_points is not None else Decimal(0)
