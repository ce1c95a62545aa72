"""What a province records about its reporting: targets and the weights of the indices.

The statistics themselves are computed from the dossiers, never stored by hand.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from motcua.units.models import AdministrativeUnit


class Metric(models.TextChoices):
    """Shares in percent that targets can be set on (and the report computes)."""

    ONLINE_SERVICES_USED = "online_services_used", "Tỷ lệ DVCTT phát sinh hồ sơ"
    ONLINE_DOSSIERS = "online_dossiers", "Tỷ lệ hồ sơ tiếp nhận trực tuyến"
    DIGITIZED = "digitized", "Tỷ lệ hồ sơ được số hóa"
    ELECTRONIC_RESULTS = "electronic_results", "Tỷ lệ kết quả điện tử"
    ON_TIME = "on_time", "Tỷ lệ hồ sơ giải quyết đúng hạn"
    ONLINE_PAYMENTS = "online_payments", "Tỷ lệ hồ sơ thanh toán trực tuyến"


class Target(models.Model):
    """A target a province sets for a period (e.g. Plan 170/KH-UBND: 80% of online services
    generate dossiers, 50% of dossiers online, 100% digitized, 100% on time)."""

    name = models.CharField("tên chỉ tiêu", max_length=255)
    metric = models.CharField("chỉ số", max_length=24, choices=Metric.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, verbose_name="địa bàn"
    )
    period_from = models.DateField("từ ngày")
    period_to = models.DateField("đến ngày")
    value = models.DecimalField(
        "mục tiêu (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    basis = models.CharField("căn cứ", max_length=255, blank=True)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["period_from", "metric"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")), name="target_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.value}%"


def check_steps(value: object) -> None:
    """Steps of a criterion: [[minimum share in percent 0–100, part of the points 0–1], …]."""
    from django.core.exceptions import ValidationError

    message = "Bậc điểm phải có dạng [[tỷ lệ % từ 0 đến 100, phần điểm từ 0 đến 1], …]"
    if not isinstance(value, list):
        raise ValidationError(message)
    for step in value:
        if not (
            isinstance(step, list)
            and len(step) == 2
            and all(isinstance(x, int | float) and not isinstance(x, bool) for x in step)
            and 0 <= step[0] <= 100
            and 0 <= step[1] <= 1
        ):
            raise ValidationError(message)


class IndexCriterion(models.Model):
    """A criterion of the Decision 766/QĐ-TTg service index: group, weight (points) and the
    named formula that scores it. Weights are data because some are unconfirmed."""

    group = models.CharField("nhóm", max_length=40)
    group_name = models.CharField("tên nhóm", max_length=200)
    code = models.CharField("mã tiêu chí", max_length=40, unique=True)
    name = models.CharField("tên tiêu chí", max_length=255)
    points = models.DecimalField("điểm tối đa", max_digits=5, decimal_places=2)
    formula = models.CharField("công thức", max_length=40)
    confirmed = models.BooleanField("trọng số đã xác minh", default=False)
    steps = models.JSONField(
        "bậc điểm",
        default=list,
        blank=True,
        validators=[check_steps],
        help_text="[[tỷ lệ % tối thiểu, phần điểm], …] từ cao xuống thấp, ví dụ "
        "[[90, 1], [50, 0.5]]: đạt ≥ 90 % được đủ điểm, ≥ 50 % được nửa, dưới đó 0.",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "tiêu chí chỉ số phục vụ (QĐ 766)"
        verbose_name_plural = "tiêu chí chỉ số phục vụ (QĐ 766)"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.group_name} — {self.name} ({self.points} điểm)"


EVALUATION_INDICES = tuple(f"i{n}" for n in range(1, 10))


def _check_scores(value: object) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, dict):
        raise ValidationError("Điểm phải là bảng chỉ số → điểm")
    for key, score in value.items():
        if key not in EVALUATION_INDICES:
            raise ValidationError(f"Không có chỉ số {key} (chỉ có i1–i9)")
        if score not in (0, 1, 2) or isinstance(score, bool):
            raise ValidationError(f"Điểm của {key} phải là 0, 1 hoặc 2")


class Appraisal(models.Model):
    """The appraised column of the Circular 01/2018 evaluation: the scores the appraising body
    (e.g. the Department of Home Affairs) gives an agency for a period, beside the scores the
    system computes (the self-scored column)."""

    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan"
    )
    period_from = models.DateField("từ ngày")
    period_to = models.DateField("đến ngày")
    scores = models.JSONField(
        "điểm thẩm định (i1–i9: 0, 1 hoặc 2)", default=dict, validators=[_check_scores]
    )
    appraised_by = models.CharField("cơ quan thẩm định", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "điểm thẩm định (TT 01/2018)"
        verbose_name_plural = "điểm thẩm định (TT 01/2018)"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "period_from", "period_to"], name="appraisal_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="appraisal_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.period_from}–{self.period_to}"


# ---- pre-aggregates of the statistics (reports/aggregates.py, docs/statistics.md) -------------

#: The daily counts every report figure is a sum of; names of the measure columns.
MEASURES = (
    "received",  # on the receipt day
    "digitized",  # received and digitized at intake (receipt day)
    "paid",  # received and paid online (receipt day)
    "paid_vnd",  # the amount paid online (receipt day)
    "closed",  # finished, on the later of receipt and finish (open = received - closed)
    "resolved",  # finished resolved (finish day), with the next four
    "resolved_late",
    "resolved_early",
    "electronic",
    "working_seconds",
    "withdrawn",  # finished withdrawn / returned (finish day; recv_day = receipt day)
    "returned",
    "breach_missing",  # finished late without an apology (finish day)
    "overdue_in",  # received with a due instant: on the later of receipt and due
    "overdue_out",  # ... and finished: on the latest of receipt, due and finish
    "apologies",  # apologies issued (issue day) and those of a late-apology dossier
    "apologies_late",
    # the Decision 766 index's inputs (decision766.py, agg_index.py)
    "finished_late",  # finished after its due instant, any status (finish day)
    "tracked_received",  # received / closed, of the dossiers with steps (open with steps at T)
    "tracked_closed",
    "twice_received",  # the same four, of the dossiers asked for a supplement more than once
    "twice_closed",
    "twice_finished_late",
    "twice_overdue_in",
    "twice_overdue_out",
    "reused",  # received with a reused document (receipt day)
    "input_electronic",  # received with an electronic input document (receipt day)
    "results_stored",  # resolved with a result document (finish day)
    # the Circular 01/2018 evaluation (indices.evaluation, agg_eval.py): the resolved dossiers'
    # points on indices 1–4 and 7 and their late apologies (finish day)
    "idx1",
    "idx2",
    "idx3",
    "idx4",
    "idx7",
    "resolved_breach_late",
    "resolved_breach_missing",
)


class _Counts(models.Model):
    """One row per local day and key: sums of facts of the dossiers on that day. ``recv_day``
    equals ``day`` except on the rows of withdrawn / returned dossiers, where it keeps their
    receipt day (Biểu 06 needs "carried over" and "received in the period" of those)."""

    day = models.DateField("ngày")
    recv_day = models.DateField("ngày tiếp nhận")
    level = models.PositiveSmallIntegerField("cấp")
    channel = models.CharField("hình thức nộp", max_length=10)
    received = models.BigIntegerField("tiếp nhận", default=0, db_default=0)
    digitized = models.BigIntegerField("số hóa", default=0, db_default=0)
    paid = models.BigIntegerField("thanh toán trực tuyến", default=0, db_default=0)
    paid_vnd = models.BigIntegerField(
        "số tiền thanh toán trực tuyến (đồng)", default=0, db_default=0
    )
    closed = models.BigIntegerField("kết thúc", default=0, db_default=0)
    resolved = models.BigIntegerField("đã giải quyết", default=0, db_default=0)
    resolved_late = models.BigIntegerField("giải quyết trễ hạn", default=0, db_default=0)
    resolved_early = models.BigIntegerField("giải quyết trước hạn", default=0, db_default=0)
    electronic = models.BigIntegerField("kết quả điện tử", default=0, db_default=0)
    working_seconds = models.BigIntegerField(
        "thời gian giải quyết (giây làm việc)", default=0, db_default=0
    )
    withdrawn = models.BigIntegerField("rút hồ sơ", default=0, db_default=0)
    returned = models.BigIntegerField("trả lại", default=0, db_default=0)
    breach_missing = models.BigIntegerField("trễ hạn không xin lỗi", default=0, db_default=0)
    overdue_in = models.BigIntegerField("vào diện quá hạn", default=0, db_default=0)
    overdue_out = models.BigIntegerField("ra khỏi diện quá hạn", default=0, db_default=0)
    apologies = models.BigIntegerField("văn bản xin lỗi", default=0, db_default=0)
    apologies_late = models.BigIntegerField("xin lỗi muộn", default=0, db_default=0)
    finished_late = models.BigIntegerField("kết thúc sau hạn", default=0, db_default=0)
    tracked_received = models.BigIntegerField("tiếp nhận, có tiến độ", default=0, db_default=0)
    tracked_closed = models.BigIntegerField("kết thúc, có tiến độ", default=0, db_default=0)
    twice_received = models.BigIntegerField("tiếp nhận, bổ sung > 1 lần", default=0, db_default=0)
    twice_closed = models.BigIntegerField("kết thúc, bổ sung > 1 lần", default=0, db_default=0)
    twice_finished_late = models.BigIntegerField(
        "kết thúc sau hạn, bổ sung > 1 lần", default=0, db_default=0
    )
    twice_overdue_in = models.BigIntegerField(
        "vào diện quá hạn, bổ sung > 1 lần", default=0, db_default=0
    )
    twice_overdue_out = models.BigIntegerField(
        "ra khỏi diện quá hạn, bổ sung > 1 lần", default=0, db_default=0
    )
    reused = models.BigIntegerField("tái sử dụng giấy tờ", default=0, db_default=0)
    input_electronic = models.BigIntegerField("thành phần hồ sơ điện tử", default=0, db_default=0)
    results_stored = models.BigIntegerField("kết quả được lưu", default=0, db_default=0)
    idx1 = models.BigIntegerField("điểm chỉ số 1 (tổng)", default=0, db_default=0)
    idx2 = models.BigIntegerField("điểm chỉ số 2 (tổng)", default=0, db_default=0)
    idx3 = models.BigIntegerField("điểm chỉ số 3 (tổng)", default=0, db_default=0)
    idx4 = models.BigIntegerField("điểm chỉ số 4 (tổng)", default=0, db_default=0)
    idx7 = models.BigIntegerField("điểm chỉ số 7 (tổng)", default=0, db_default=0)
    resolved_breach_late = models.BigIntegerField(
        "đã giải quyết, xin lỗi muộn", default=0, db_default=0
    )
    resolved_breach_missing = models.BigIntegerField(
        "đã giải quyết, trễ hạn không xin lỗi", default=0, db_default=0
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} cấp {self.level} {self.channel}"


#: The whole key of the counts: (day, receipt day, level, channel) and the three ids.
FULL_KEY = (
    "day",
    "recv_day",
    "level",
    "channel",
    "receiving_agency_id",
    "processing_agency_id",
    "procedure_id",
)


class _FullKeyCounts(_Counts):
    """The counts keyed by the whole key (``FULL_KEY``)."""

    receiving_agency_id = models.BigIntegerField("cơ quan tiếp nhận")
    processing_agency_id = models.BigIntegerField("cơ quan giải quyết")
    procedure_id = models.BigIntegerField("thủ tục")

    class Meta:
        abstract = True


class DailyCount(_FullKeyCounts):
    """Per day and (level, channel, receiving agency, processing agency, procedure): the
    breakdowns and the reports of a unit or of a leader's agencies."""

    class Meta:
        verbose_name = "số liệu ngày (chi tiết)"
        verbose_name_plural = "số liệu ngày (chi tiết)"
        constraints = [models.UniqueConstraint(fields=FULL_KEY, name="dailycount_key")]
        # the reports of a leader's agencies (``receiving OR processing`` in their ids): two
        # index ranges instead of every row of the period (BENCHMARKS.md, screens at 1M)
        indexes = [
            models.Index(fields=["processing_agency_id", "day"], name="dailycount_proc_day"),
            models.Index(fields=["receiving_agency_id", "day"], name="dailycount_recv_day"),
        ]


class DailyLevelCount(_Counts):
    """Per day and (level, channel): the province's table, a few rows a day."""

    class Meta:
        verbose_name = "số liệu ngày (theo cấp)"
        verbose_name_plural = "số liệu ngày (theo cấp)"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "recv_day", "level", "channel"], name="dailylevelcount_key"
            )
        ]


class DossierFacts(models.Model):
    """What each dossier last contributed to the daily counts (the hook subtracts it before
    adding the new contribution, so a change of any figure moves exactly its counts)."""

    dossier_id = models.BigIntegerField("hồ sơ", primary_key=True)
    level = models.PositiveSmallIntegerField("cấp")
    channel = models.CharField("hình thức nộp", max_length=10)
    receiving_agency_id = models.BigIntegerField("cơ quan tiếp nhận")
    processing_agency_id = models.BigIntegerField("cơ quan giải quyết")
    procedure_id = models.BigIntegerField("thủ tục")
    status = models.CharField("trạng thái", max_length=20)
    recv_day = models.DateField("ngày tiếp nhận", null=True)
    fin_day = models.DateField("ngày kết thúc", null=True)
    close_day = models.DateField("ngày đóng", null=True)
    due_in_day = models.DateField("ngày vào diện quá hạn", null=True)
    due_out_day = models.DateField("ngày ra khỏi diện quá hạn", null=True)
    digitized = models.BooleanField("số hóa", default=False)
    paid_vnd = models.BigIntegerField(
        "số tiền thanh toán trực tuyến (đồng)", default=0, db_default=0
    )
    late = models.BooleanField("trễ hạn", default=False)
    early = models.BooleanField("trước hạn", default=False)
    electronic = models.BooleanField("kết quả điện tử", default=False)
    working_seconds = models.BigIntegerField(
        "thời gian giải quyết (giây làm việc)", default=0, db_default=0
    )
    breach = models.CharField("vi phạm về xin lỗi", max_length=10, blank=True)
    apology_day = models.DateField("ngày xin lỗi", null=True)  # one Apology per dossier
    finished_late = models.BooleanField("kết thúc sau hạn", default=False)
    tracked = models.BooleanField("có tiến độ từng bước", default=False)
    twice = models.BooleanField("bổ sung quá 01 lần", default=False)
    reused = models.BooleanField("tái sử dụng giấy tờ", default=False)
    input_electronic = models.BooleanField("thành phần hồ sơ điện tử", default=False)
    result_stored = models.BooleanField("kết quả được lưu", default=False)
    # a resolved dossier's points on the Circular 01/2018 indices 1–4 and 7 (indices.index_points)
    i1 = models.PositiveSmallIntegerField("chỉ số 1", null=True)
    i2 = models.PositiveSmallIntegerField("chỉ số 2", null=True)
    i3 = models.PositiveSmallIntegerField("chỉ số 3", null=True)
    i4 = models.PositiveSmallIntegerField("chỉ số 4", null=True)
    i7 = models.PositiveSmallIntegerField("chỉ số 7", null=True)

    class Meta:
        verbose_name = "đóng góp số liệu của hồ sơ"
        verbose_name_plural = "đóng góp số liệu của hồ sơ"

    def __str__(self) -> str:
        return f"hồ sơ {self.dossier_id}"


class AggregateState(models.Model):
    """One row: whether the daily counts cover every dossier (set by a full rebuild; the
    services keep them so). Reports read them only then (``MOTCUA_REPORT_SOURCE``)."""

    complete = models.BooleanField("đầy đủ", default=False)
    rebuilt_at = models.DateTimeField("tính lại lúc", null=True)

    class Meta:
        verbose_name = "trạng thái số liệu tổng hợp"
        verbose_name_plural = "trạng thái số liệu tổng hợp"

    def __str__(self) -> str:
        return "đầy đủ" if self.complete else "chưa đầy đủ"


class DailyAgencyCount(_Counts):
    """Per day and (level, channel, processing agency): the agency breakdown's edge days — the
    days of a period's partial months, which the monthly grains cannot answer — without the
    procedure and receiving desk of the full key (a tenth of its rows)."""

    processing_agency_id = models.BigIntegerField("cơ quan giải quyết")

    class Meta:
        verbose_name = "số liệu ngày theo cơ quan"
        verbose_name_plural = "số liệu ngày theo cơ quan"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "recv_day", "level", "channel", "processing_agency_id"],
                name="dailyagencycount_key",
            )
        ]


class DailyProcedureCount(_Counts):
    """Per day and (level, channel, procedure): the field breakdown's edge days."""

    procedure_id = models.BigIntegerField("thủ tục")

    class Meta:
        verbose_name = "số liệu ngày theo thủ tục"
        verbose_name_plural = "số liệu ngày theo thủ tục"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "recv_day", "level", "channel", "procedure_id"],
                name="dailyprocedurecount_key",
            )
        ]


class MonthlyCount(_FullKeyCounts):
    """Per month (``day`` = its first day; ``recv_day`` as in the other monthly grains) and the
    daily key's (level, channel, receiving agency, processing agency, procedure): the reports
    of a leader's agencies and the per-procedure figures of month-aligned periods — a
    half-year of an agency reads its months here, not each of its days."""

    class Meta:
        verbose_name = "số liệu tháng (chi tiết)"
        verbose_name_plural = "số liệu tháng (chi tiết)"
        constraints = [models.UniqueConstraint(fields=FULL_KEY, name="monthlycount_key")]
        indexes = [
            models.Index(fields=["processing_agency_id", "day"], name="monthlycount_proc_day"),
            models.Index(fields=["receiving_agency_id", "day"], name="monthlycount_recv_day"),
            # the evaluation's (agency, procedure) pairs resolved in a period: read from this
            # narrow index alone, not from the wide rows (aggregates.resolved_pairs)
            models.Index(
                fields=["day", "processing_agency_id", "procedure_id"],
                condition=models.Q(resolved__gt=0),
                name="monthlycount_resolved",
            ),
        ]


class MonthlyAgencyCount(_Counts):
    """Per month (``day`` = its first day; ``recv_day`` = the first day of the receipt month)
    and (level, channel, processing agency): the agency breakdown of month-aligned periods."""

    processing_agency_id = models.BigIntegerField("cơ quan giải quyết")

    class Meta:
        verbose_name = "số liệu tháng theo cơ quan"
        verbose_name_plural = "số liệu tháng theo cơ quan"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "recv_day", "level", "channel", "processing_agency_id"],
                name="monthlyagencycount_key",
            )
        ]


class MonthlyProcedureCount(_Counts):
    """Per month and (level, channel, procedure): the field breakdown of month-aligned periods."""

    procedure_id = models.BigIntegerField("thủ tục")

    class Meta:
        verbose_name = "số liệu tháng theo thủ tục"
        verbose_name_plural = "số liệu tháng theo thủ tục"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "recv_day", "level", "channel", "procedure_id"],
                name="monthlyprocedurecount_key",
            )
        ]
