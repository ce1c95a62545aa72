"""Dossiers (hồ sơ), their steps, events, documents and legal forms.

Rows only: every change of state goes through ``services`` (one transaction: the state, the event
row and the outbox row together); reads that cross a permission boundary go through ``selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from motcua.catalog.models import Procedure
from motcua.core.models import SearchableModel
from motcua.units.models import Agency


class Channel(models.TextChoices):
    ONLINE = "online", "Trực tuyến"
    COUNTER = "counter", "Trực tiếp tại Bộ phận Một cửa"
    POSTAL = "postal", "Qua dịch vụ bưu chính"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Đã nộp trực tuyến, chờ tiếp nhận"
    NEEDS_COMPLETION = "needs_completion", "Chờ người nộp hoàn thiện (chưa tiếp nhận)"
    REFUSED = "refused", "Từ chối tiếp nhận"
    IN_PROGRESS = "in_progress", "Đang giải quyết"
    AWAITING_SUPPLEMENT = "awaiting_supplement", "Chờ bổ sung hồ sơ (tạm dừng)"
    RESOLVED = "resolved", "Đã có kết quả"
    WITHDRAWN = "withdrawn", "Đã rút / dừng giải quyết"
    RETURNED = "returned", "Trả lại, không giải quyết"


#: Statuses of a dossier that has been received and is not finished.
OPEN_STATUSES = (Status.IN_PROGRESS, Status.AWAITING_SUPPLEMENT)
#: Statuses that end a received dossier (finished_at is set).
FINISHED_STATUSES = (Status.RESOLVED, Status.WITHDRAWN, Status.RETURNED)


class ApologyBreach(models.TextChoices):
    NONE = "", "Không"
    LATE = "late", "Xin lỗi muộn (sau thời điểm chậm nhất 01 ngày trước hạn)"
    MISSING = "missing", "Trễ hạn nhưng không có văn bản xin lỗi"


class ApplicantKind(models.TextChoices):
    PERSON = "person", "Cá nhân"
    ORGANISATION = "organisation", "Tổ chức"


class Applicant(SearchableModel):
    """A person or organisation that files dossiers (the register the forms draw from)."""

    SEARCH_FIELDS = ("name", "id_number", "phone")
    kind = models.CharField(
        "loại", max_length=14, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    name = models.CharField("họ tên / tên tổ chức", max_length=255)
    id_number = models.CharField("số định danh (CCCD / mã số)", max_length=20, db_index=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    address = models.CharField("địa chỉ", max_length=500, blank=True)

    class Meta:
        verbose_name = "người nộp hồ sơ"
        verbose_name_plural = "người nộp hồ sơ"
        constraints = [
            models.UniqueConstraint(fields=["kind", "id_number"], name="applicant_identity")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number})"


class Dossier(SearchableModel):
    SEARCH_FIELDS = ("code", "applicant_name", "applicant_id_number")

    code = models.CharField("mã hồ sơ", max_length=60, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="dossiers", verbose_name="thủ tục"
    )
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name="người nộp",
        null=True,
        blank=True,  # a legacy import has no applicant register behind it
        db_index=False,  # dossier_applicant: the dossiers that have one
    )
    # copies on the dossier: what the forms print, as it was at intake
    applicant_name = models.CharField("người nộp", max_length=255)
    applicant_id_number = models.CharField("số định danh", max_length=20)
    # The applicant's data as given for this dossier (a snapshot): forms print it and
    # notifications go to it. Typing other data at another agency's desk never changes it, and
    # changing a person's registered contact (``Applicant``) never rewrites a past dossier.
    applicant_kind = models.CharField(
        "loại người nộp",
        max_length=14,
        choices=ApplicantKind.choices,
        default=ApplicantKind.PERSON,
        db_default=ApplicantKind.PERSON,
    )
    applicant_phone = models.CharField(
        "điện thoại người nộp", max_length=20, blank=True, db_default=""
    )
    applicant_email = models.EmailField("thư điện tử người nộp", blank=True, db_default="")
    applicant_address = models.CharField(
        "địa chỉ người nộp", max_length=500, blank=True, db_default=""
    )
    proxy_name = models.CharField("người được ủy quyền nộp", max_length=255, blank=True)
    proxy_id_number = models.CharField(
        "số định danh người được ủy quyền", max_length=20, blank=True
    )
    # the citizen / organisation account that filed it online (portal or national portal), or to
    # which the applicant linked it; "my dossiers" and the portal's actions are scoped by it
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizen_dossiers",
        verbose_name="tài khoản công dân",
        db_index=False,  # dossier_account: the dossiers that have one
    )
    request = models.TextField("nội dung yêu cầu", blank=True)
    channel = models.CharField("hình thức nộp", max_length=10, choices=Channel.choices)
    receiving_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name="nơi tiếp nhận",
        db_index=False,  # led by dossier_desk_recv and dossier_book_number_unique
    )
    processing_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="processed_dossiers",
        verbose_name="cơ quan chủ trì giải quyết",
        db_index=False,  # led by dossier_proc_status
    )
    # Two-level local government (issue 11, docs/two-level.md): when the transition moves an open
    # dossier from an abolished agency to its successor, the agencies in force at receipt are kept
    # here (NULL = unchanged since receipt). Statistics count a dossier under these; the tracking
    # book and its number stay with the desk that received it.
    origin_receiving_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="nơi tiếp nhận (tại thời điểm tiếp nhận)",
        db_index=False,  # dossier_origin_recv: the dossiers that have one
    )
    origin_processing_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cơ quan giải quyết (tại thời điểm tiếp nhận)",
        db_index=False,  # dossier_origin_proc: the dossiers that have one
    )
    # not indexed alone: dossier_status_due leads with it
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices)
    sets = models.PositiveSmallIntegerField("số bộ hồ sơ", default=1)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    received_at = models.DateTimeField("tiếp nhận lúc", null=True, blank=True, db_index=True)
    handed_over_at = models.DateTimeField("chuyển cơ quan giải quyết lúc", null=True, blank=True)
    clock_started_at = models.DateTimeField("bắt đầu tính thời hạn", null=True, blank=True)
    # not indexed alone: every query on it asks for a status too (dossier_status_due)
    due_at = models.DateTimeField("hạn giải quyết", null=True, blank=True)
    appointment_at = models.DateTimeField("hẹn trả kết quả", null=True, blank=True)
    paused_at = models.DateTimeField("tạm dừng từ", null=True, blank=True)
    pauses = models.JSONField("các khoảng tạm dừng (ISO)", default=list, blank=True)
    # not indexed alone: dossier_finished_recv leads with it
    finished_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    returned_at = models.DateTimeField("trả kết quả lúc", null=True, blank=True)
    return_method = models.CharField("hình thức nhận kết quả", max_length=80, blank=True)
    result_place = models.CharField("nơi trả kết quả", max_length=255, blank=True)
    # the filled electronic application form (tờ khai, motcua.eforms): structured data the
    # reports and the API read, validated against the procedure's form definition
    form_data = models.JSONField("dữ liệu tờ khai", default=dict, db_default={}, blank=True)
    book_number = models.PositiveIntegerField("số thứ tự sổ theo dõi", null=True, blank=True)
    book_year = models.PositiveSmallIntegerField("năm sổ theo dõi", null=True, blank=True)
    online_payment_vnd = models.BigIntegerField("đã thanh toán trực tuyến (đồng)", default=0)
    # Statistics columns, derived at write time (never typed in): the level the procedure is
    # handled at, whether the inputs were digitized and the result issued electronically (set
    # by the services that attach documents, or carried over by a legacy import), and the
    # working time from receipt to the end, pauses excluded.
    # three values, grouped by (never filtered on alone): an index would not be used
    level = models.PositiveSmallIntegerField("cấp", default=1)
    digitized = models.BooleanField("đã số hóa", default=False)
    electronic_result = models.BooleanField("có kết quả điện tử", default=False)
    working_seconds = models.BigIntegerField(
        "thời gian giải quyết (giây làm việc)", null=True, blank=True
    )
    # Decree 61/2018 Art. 19 / Decree 118/2025: the apology is due no later than one working day
    # before the due instant. Issued after that moment, or missing on a dossier that ended late,
    # it is a breach: recorded here (never a reason to refuse the apology) and counted by reports.
    apology_breach = models.CharField(
        "vi phạm về xin lỗi",
        max_length=8,
        choices=ApologyBreach.choices,
        blank=True,
        default=ApologyBreach.NONE,
        db_default=ApologyBreach.NONE,
    )
    imported = models.BooleanField("nhập từ hệ thống cũ", default=False)
    version = models.PositiveIntegerField("phiên bản", default=0)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-received_at", "-id"]
        # Every index here is read by a screen or a report and costs each import its share of
        # the move (docs/scale.md lists which query reads which): a column indexed alone only
        # when no composite leads with it. On PostgreSQL, dossiers 0010 adds the trigram index
        # of search_text and 0011 drops the LIKE-pattern copy of the code index.
        indexes = [
            # the dossiers still in someone's hands, by due instant (warnings, queues, the
            # online waiting list, a calendar change's recompute). On PostgreSQL only the
            # dossiers not finished are in it (dossiers 0018: every reader asks for one of
            # those statuses, and PostgreSQL proves that such a query may read the partial
            # index; SQLite's planner does not, so there it stays whole)
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_desk_recv"),
            models.Index(fields=["processing_agency", "status"], name="dossier_proc_status"),
            # reports: the dossiers alive in a period are found from these two ranges
            models.Index(fields=["finished_at", "received_at"], name="dossier_finished_recv"),
            # keys most dossiers do not have (an import's none of them): only the rows that
            # have one are indexed, so a row without pays nothing on insert or update, and a
            # look-up by the key (``= x`` implies ``IS NOT NULL``) still finds them
            *(
                models.Index(fields=[f], name=name, condition=Q(**{f"{f}__isnull": False}))
                for f, name in (
                    ("applicant", "dossier_applicant"),
                    ("account", "dossier_account"),
                    ("origin_receiving_agency", "dossier_origin_recv"),
                    ("origin_processing_agency", "dossier_origin_proc"),
                )
            ),
        ]
        constraints = [
            # the book belongs to the desk that received the dossier, even after the transition
            # moved the dossier to the desk's successor (which keeps its own book)
            models.UniqueConstraint(
                Coalesce("origin_receiving_agency", "receiving_agency"),
                "book_year",
                "book_number",
                name="dossier_book_number_unique_at_receipt",
                # an imported dossier has no book number: not in the index at all
                condition=Q(book_number__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"Hồ sơ #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def clock_stopped_in_time(self) -> bool:
        """Waiting for a supplement with its clock stopped no later than its due instant: the
        time limit does not run (REGULATIONS.md §2), so nothing of it is overdue while it waits
        — the screens (``selectors``), the daily counts (``reports.aggregates.facts_of``) and
        the scan (``reports.selectors.overdue_at``, its SQL form) read it alike."""
        return (
            self.paused_at is not None and self.due_at is not None and self.paused_at <= self.due_at
        )


class StepStatus(models.TextChoices):
    PENDING = "pending", "Chưa đến"
    ACTIVE = "active", "Đang xử lý"
    DONE = "done", "Đã xong"
    SENT_BACK = "sent_back", "Trả lại bước trước"
    CANCELLED = "cancelled", "Hủy"


class StepOutcome(models.TextChoices):
    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Quá hạn"


class StepKind(models.TextChoices):
    PLANNED = "planned", "Theo quy trình"
    PARALLEL = "parallel", "Liên thông đồng thời"
    TRANSFER = "transfer", "Chuyển cơ quan khác"


class DossierStep(models.Model):
    """One step of a dossier's internal process, with its own budget and due instant."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="steps", verbose_name="hồ sơ"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    group = models.PositiveSmallIntegerField(
        "nhóm song song",
        default=0,
        help_text="Các bước cùng nhóm (liên thông điện tử) được xử lý đồng thời.",
    )
    kind = models.CharField(
        "loại bước", max_length=10, choices=StepKind.choices, default=StepKind.PLANNED
    )
    name = models.CharField("tên bước", max_length=255)
    role = models.CharField("vai trò", max_length=16)
    # indexed by step_queue and step_scope, which both lead with it (Meta)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="dossier_steps",
        verbose_name="cơ quan xử lý",
        db_index=False,
    )
    budget_days = models.DecimalField("thời gian cho phép (ngày)", max_digits=6, decimal_places=2)
    # a step passed on (dossier_transfer) has exactly what was left of its time, in working
    # seconds: budget_days shows it in hundredths of a day, which would round it (by up to 2 min
    # 24 s of an 8-hour day) every time its due instant is counted again (a pause, a restart)
    budget_seconds = models.PositiveIntegerField(
        "thời gian còn lại khi nhận chuyển (giây làm việc)",
        null=True,
        blank=True,
        help_text="Bước được chuyển từ cơ quan khác: đúng thời gian còn lại của bước, "
        "tính bằng giây làm việc. Để trống: thời gian cho phép tính theo ngày.",
    )
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=StepStatus.choices,
        default=StepStatus.PENDING,
        db_index=True,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_steps",
        verbose_name="người xử lý",
    )
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    due_at = models.DateTimeField("hạn của bước", null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)
    outcome = models.CharField(
        "kết quả so với thời hạn", max_length=8, choices=StepOutcome.choices, blank=True
    )
    note = models.TextField("ghi chú", blank=True)
    task = models.CharField("nhiệm vụ (liên thông)", max_length=500, blank=True)

    class Meta:
        verbose_name = "bước xử lý hồ sơ"
        verbose_name_plural = "bước xử lý hồ sơ"
        ordering = ["dossier", "order", "id"]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="step_queue"),
            # the scope rule "a step of the dossier is at one of my agencies" (access.py):
            # PostgreSQL answers it over many candidates (a name search's trigram hits) with a
            # hash of the agency's dossier ids, which this index gives without reading the
            # steps themselves (index-only: 17,345 steps were 11,717 heap pages at 1M)
            models.Index(fields=["agency", "dossier"], name="step_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.order}. {self.name}"


class EventType(models.TextChoices):
    """Stable values: reports and integrations read them."""

    SUBMITTED = "submitted", "Nộp trực tuyến"
    RECEIVED = "received", "Tiếp nhận"
    RETURNED_FOR_COMPLETION = "returned_for_completion", "Hướng dẫn hoàn thiện (chưa tiếp nhận)"
    REFUSED = "refused", "Từ chối tiếp nhận"
    HANDED_OVER = "handed_over", "Chuyển cơ quan giải quyết"
    STEP_STARTED = "step_started", "Bắt đầu bước"
    STEP_ASSIGNED = "step_assigned", "Phân công"
    STEP_DONE = "step_done", "Hoàn thành bước, chuyển tiếp"
    STEP_SENT_BACK = "step_sent_back", "Trả lại bước trước"
    TRANSFERRED = "transferred", "Chuyển cơ quan khác"
    PARALLEL_DISPATCHED = "parallel_dispatched", "Chuyển liên thông đồng thời"
    CONSULTATION_REQUESTED = "consultation_requested", "Lấy ý kiến cơ quan khác"
    CONSULTATION_ANSWERED = "consultation_answered", "Trả lời ý kiến"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Yêu cầu bổ sung (tạm dừng)"
    SUPPLEMENT_RECEIVED = "supplement_received", "Nhận hồ sơ bổ sung"
    APOLOGY_ISSUED = "apology_issued", "Xin lỗi, hẹn lại ngày trả"
    APOLOGY_BREACH = "apology_breach", "Vi phạm thời hạn xin lỗi"
    RESOLVED = "resolved", "Có kết quả giải quyết"
    RESULT_RETURNED = "result_returned", "Trả kết quả"
    RETURNED_UNRESOLVED = "returned_unresolved", "Trả lại, không giải quyết"
    WITHDRAWN = "withdrawn", "Rút / dừng giải quyết"
    DOCUMENT_ADDED = "document_added", "Thêm tài liệu"
    RATED = "rated", "Đánh giá"
    DUE_RECOMPUTED = "due_recomputed", "Tính lại hạn (thay đổi lịch)"
    POSTAL = "postal", "Bưu chính công ích"  # motcua.postal: handover, pickup, return
    AGENCY_SUCCESSION = (
        "agency_succession",
        "Chuyển cơ quan kế thừa (sắp xếp đơn vị hành chính)",
    )  # motcua.units.transition: the agency was abolished, its successor carries on
    ROUTED = "routed", "Chuyển cơ quan có thẩm quyền (tiếp nhận không phụ thuộc địa giới)"


class DossierEvent(models.Model):
    """Append-only history: who did what, when, from which status to which."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", verbose_name="hồ sơ"
    )
    type = models.CharField("sự kiện", max_length=32, choices=EventType.choices)
    at = models.DateTimeField("thời điểm", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tài khoản thực hiện",
    )
    actor_label = models.CharField("người thực hiện", max_length=200)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cơ quan",
    )
    from_status = models.CharField("từ trạng thái", max_length=20, blank=True)
    to_status = models.CharField("sang trạng thái", max_length=20, blank=True)
    step = models.ForeignKey(
        DossierStep,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name="bước xử lý",
    )
    note = models.TextField("ghi chú", blank=True)
    data = models.JSONField("dữ liệu kèm theo", default=dict, blank=True)

    class Meta:
        verbose_name = "sự kiện hồ sơ"
        verbose_name_plural = "sự kiện hồ sơ"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.get_type_display()} {self.at:%d/%m/%Y %H:%M}"


class Outbox(models.Model):
    """Messages to deliver after commit (notifications, national-portal sync)."""

    topic = models.CharField("chủ đề", max_length=60, db_index=True)
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox",
        verbose_name="hồ sơ",
    )
    payload = models.JSONField("nội dung", default=dict)
    created_at = models.DateTimeField("ngày tạo", db_index=True)
    delivered_at = models.DateTimeField("đã gửi lúc", null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    # delivery (integrations.services, docs/notifications.md): not before this instant — the
    # back-off after a failure, or the lease of a worker sending it right now
    next_attempt_at = models.DateTimeField("gửi lại từ", null=True, blank=True, db_index=True)
    # "" = the row as the services wrote it (it carries the e-mail); "sms" = the text message
    # the deliverer derived from it (``parent``), delivered and retried on its own
    channel = models.CharField("kênh", max_length=10, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name="thông điệp gốc",
    )

    class Meta:
        verbose_name = "thông điệp chờ gửi"
        verbose_name_plural = "thông điệp chờ gửi"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "channel"],
                condition=models.Q(parent__isnull=False),
                name="outbox_one_child_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class DocumentKind(models.TextChoices):
    INPUT_SCAN = "input_scan", "Bản quét hồ sơ giấy (số hóa)"
    INPUT_ELECTRONIC = "input_electronic", "Thành phần hồ sơ điện tử"
    SUPPLEMENT = "supplement", "Hồ sơ bổ sung"
    RESULT_ELECTRONIC = "result_electronic", "Kết quả điện tử"
    RESULT_PAPER_SCAN = "result_scan", "Bản quét kết quả giấy"


class Document(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="documents", verbose_name="hồ sơ"
    )
    kind = models.CharField("loại", max_length=20, choices=DocumentKind.choices)
    required_document = models.CharField("thành phần hồ sơ", max_length=500, blank=True)
    name = models.CharField("tên tệp", max_length=255)
    file = models.FileField("tệp", upload_to="dossiers/%Y/%m/")
    content_type = models.CharField("kiểu tệp", max_length=80)
    size = models.PositiveIntegerField("kích thước (byte)")
    sha256 = models.CharField("mã băm SHA-256", max_length=64, db_index=True)
    pages = models.PositiveIntegerField("số trang", default=0)
    reused_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
        verbose_name="tái sử dụng từ kho dữ liệu",
    )
    signer = models.CharField("người ký", max_length=255, blank=True)
    signed_at = models.DateTimeField("ngày ký", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người tải lên",
    )
    uploaded_at = models.DateTimeField("tải lên lúc")

    class Meta:
        verbose_name = "tài liệu hồ sơ"
        verbose_name_plural = "tài liệu hồ sơ"
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """A required document as checked at intake: submitted or not, originals and copies."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="checklist", verbose_name="hồ sơ"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("giấy tờ", max_length=500)
    originals = models.PositiveSmallIntegerField("số bản chính", default=0)
    copies = models.PositiveSmallIntegerField("số bản sao", default=0)
    submitted = models.BooleanField("đã nộp", default=True)

    class Meta:
        verbose_name = "thành phần hồ sơ đã kiểm tra"
        verbose_name_plural = "thành phần hồ sơ đã kiểm tra"
        ordering = ["dossier", "order"]

    def __str__(self) -> str:
        return self.name


class FormType(models.TextChoices):
    RECEIPT = "01", "Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    SUPPLEMENT = "02", "Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    REFUSAL = "03", "Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    APOLOGY = "04", "Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    STOP = "05", "Mẫu 05 — Thông báo dừng giải quyết hồ sơ"
    CONTROL = "06", "Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ"


class IssuedForm(models.Model):
    """A numbered legal form issued for a dossier (numbering per agency, form and year)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="forms", verbose_name="hồ sơ"
    )
    form = models.CharField("mẫu", max_length=2, choices=FormType.choices)
    number = models.PositiveIntegerField("số")
    year = models.PositiveSmallIntegerField("năm")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan lập"
    )
    issued_at = models.DateTimeField("ngày lập")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người lập",
    )
    data = models.JSONField("nội dung", default=dict)

    class Meta:
        verbose_name = "phiếu, mẫu đã lập"
        verbose_name_plural = "phiếu, mẫu đã lập"
        ordering = ["dossier", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "form", "year", "number"], name="form_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} số {self.number}/{self.year}"


class SupplementRequest(models.Model):
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.CASCADE,
        related_name="supplement_requests",
        verbose_name="hồ sơ",
    )
    requested_at = models.DateTimeField("yêu cầu lúc")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người yêu cầu",
    )
    at_intake = models.BooleanField("khi tiếp nhận (chưa tiếp nhận hồ sơ)", default=False)
    items = models.JSONField("giấy tờ cần bổ sung", default=list)
    reason = models.TextField("lý do")
    contact = models.CharField("liên hệ", max_length=255, blank=True)
    mode = models.CharField(
        "cách tính lại thời hạn",
        max_length=10,
        choices=[("restart", "Tính lại từ đầu"), ("pause", "Tạm dừng")],
    )
    fulfilled_at = models.DateTimeField("đã bổ sung lúc", null=True, blank=True)

    class Meta:
        verbose_name = "yêu cầu bổ sung hồ sơ"
        verbose_name_plural = "yêu cầu bổ sung hồ sơ"
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"Yêu cầu bổ sung {self.dossier}"


class Apology(models.Model):
    """Mẫu 04: at most one per dossier (the return date can be re-set only once)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="apology", verbose_name="hồ sơ"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan xin lỗi"
    )
    issued_at = models.DateTimeField("ngày lập")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người lập",
    )
    reason = models.TextField("lý do")
    previous_appointment = models.DateTimeField("ngày hẹn trước đó")
    new_appointment = models.DateTimeField("ngày hẹn mới")

    class Meta:
        verbose_name = "văn bản xin lỗi"
        verbose_name_plural = "văn bản xin lỗi"

    def __str__(self) -> str:
        return f"Xin lỗi {self.dossier}"


class Consultation(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="consultations", verbose_name="hồ sơ"
    )
    from_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan hỏi ý kiến"
    )
    to_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="consultations_received",
        verbose_name="cơ quan được hỏi ý kiến",
    )
    question = models.TextField("nội dung lấy ý kiến")
    requested_at = models.DateTimeField("gửi lúc")
    due_at = models.DateTimeField("hạn trả lời")
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)
    answer = models.TextField("nội dung trả lời", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người trả lời",
    )

    class Meta:
        verbose_name = "lấy ý kiến cơ quan khác"
        verbose_name_plural = "lấy ý kiến cơ quan khác"
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"Lấy ý kiến {self.to_agency} về {self.dossier}"


class Rating(models.Model):
    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="rating", verbose_name="hồ sơ"
    )
    score = models.PositiveSmallIntegerField("mức hài lòng (1–5)")
    comment = models.TextField("góp ý", blank=True)
    at = models.DateTimeField("thời điểm")

    class Meta:
        verbose_name = "đánh giá mức độ hài lòng"
        verbose_name_plural = "đánh giá mức độ hài lòng"

    def __str__(self) -> str:
        return f"{self.dossier}: {self.score}"


class Counter(models.Model):
    """Sequences (dossier codes per agency and day, form numbers, tracking book numbers),
    incremented atomically by ``services.counter_next``."""

    scope = models.CharField("loại dãy số", max_length=40)
    key = models.CharField("khóa", max_length=120)
    value = models.PositiveIntegerField("giá trị hiện tại", default=0)

    class Meta:
        verbose_name = "dãy số thứ tự"
        verbose_name_plural = "dãy số thứ tự"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="counter_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}={self.value}"
