"""The electronic application form of one procedure version (a JSON definition)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from motcua.catalog.models import Procedure


class FormDefinition(models.Model):
    """Tờ khai điện tử of one procedure version (``Procedure`` rows are versions): a new
    version of the procedure gets its own copy, so a filed dossier keeps the form it was filed
    with. The definition is checked by ``definition.definition_check`` before it is saved."""

    procedure = models.OneToOneField(
        Procedure,
        on_delete=models.CASCADE,
        related_name="eform",
        verbose_name="thủ tục (phiên bản)",
    )
    definition = models.JSONField("định nghĩa tờ khai (JSON)")
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người cập nhật",
    )

    class Meta:
        verbose_name = "tờ khai điện tử"
        verbose_name_plural = "tờ khai điện tử"
        ordering = ["procedure__code", "-procedure__version"]

    def __str__(self) -> str:
        return f"Tờ khai — {self.procedure}"

    @property
    def title(self) -> str:
        return str(self.definition.get("title", ""))
