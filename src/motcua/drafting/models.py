"""Result templates and the drafts made from them (issue 15).

A template belongs to a procedure by its *code*, not to one ``catalog.Procedure`` row: each row
is a version of the procedure (``valid_from``/``valid_to``), and a result template outlives the
catalog's amendments (docs/drafting.md). A draft copies the template's rendered text when it is
made; later edits of the template never change a draft already made.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class TemplateKind(models.TextChoices):
    HTML = "html", "HTML"
    DOCX = "docx", "DOCX (Word)"


def template_file_name(instance: Any, filename: str) -> str:
    """Where an uploaded template is stored: under the year, with its name kept but always the
    ``.docx`` extension (whatever name the upload came with: ``x.docx.html``, ``.htaccess``)."""
    from django.core.exceptions import SuspiciousFileOperation
    from django.utils import timezone
    from django.utils.text import get_valid_filename

    stem = PurePosixPath(filename.replace("\\", "/")).name
    stem = (stem[:-5] if stem.lower().endswith(".docx") else stem).lstrip(".")[:80]
    try:
        stem = get_valid_filename(stem) if stem else "mau"
    except SuspiciousFileOperation:
        stem = "mau"
    return f"drafting/templates/{timezone.now():%Y}/{stem}.docx"


class ResultTemplate(models.Model):
    procedure_code = models.CharField("mã thủ tục", max_length=40, db_index=True)
    name = models.CharField("tên mẫu kết quả", max_length=255)
    kind = models.CharField("loại mẫu", max_length=8, choices=TemplateKind.choices)
    body = models.TextField("nội dung mẫu (HTML)", blank=True)
    file = models.FileField("tệp mẫu (DOCX)", upload_to=template_file_name, blank=True)
    active = models.BooleanField("đang dùng", default=True)
    updated_at = models.DateTimeField("cập nhật lúc", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người cập nhật",
    )

    class Meta:
        verbose_name = "mẫu kết quả"
        verbose_name_plural = "mẫu kết quả giải quyết"
        ordering = ["procedure_code", "name"]

    def __str__(self) -> str:
        return f"{self.procedure_code} — {self.name}"


class DraftStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã trình ký"
    RETURNED = "returned", "Lãnh đạo trả lại để sửa"
    SIGNED = "signed", "Đã ký số"
    CANCELLED = "cancelled", "Đã hủy"


#: a draft still being worked on: at most one per dossier
OPEN_DRAFT = [DraftStatus.DRAFT, DraftStatus.SUBMITTED, DraftStatus.RETURNED]


class ResultDraft(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="result_drafts",
        verbose_name="hồ sơ",
    )
    template = models.ForeignKey(
        ResultTemplate, on_delete=models.PROTECT, related_name="drafts", verbose_name="mẫu"
    )
    title = models.CharField("tiêu đề", max_length=255)
    content = models.TextField("nội dung (HTML đã lọc)")
    status = models.CharField(
        "trạng thái", max_length=12, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_at = models.DateTimeField("soạn lúc")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người soạn",
    )
    updated_at = models.DateTimeField("sửa lúc")
    submitted_at = models.DateTimeField("trình ký lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người trình",
    )
    returned_reason = models.TextField("lý do trả lại", blank=True)
    decided_at = models.DateTimeField("lãnh đạo xử lý lúc", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="lãnh đạo",
    )
    document = models.OneToOneField(
        "dossiers.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="result_draft",
        verbose_name="kết quả đã ký",
    )

    class Meta:
        verbose_name = "dự thảo kết quả"
        verbose_name_plural = "dự thảo kết quả"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="drafting_one_open_draft_per_dossier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DRAFT

    @property
    def editable(self) -> bool:
        return self.status in (DraftStatus.DRAFT, DraftStatus.RETURNED)
