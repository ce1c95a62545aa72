"""API clients: a partner system's credential, bound to one agency and one role.

Each client owns a service account (a ``User`` with no usable password) holding exactly one
``units.Membership`` (agency + role). Requests made with the client's token act as that
account, so ``dossiers.access`` decides what the token sees and does, exactly as for a person
with the same membership. Only a hash of the secret is stored (ADR 0005).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from motcua.units.models import Agency, Role


class ClientKind(models.TextChoices):
    SYSTEM = "system", "Hệ thống kết nối"
    NATIONAL_PORTAL = "national_portal", "Cổng Dịch vụ công quốc gia"


class ApiClient(models.Model):
    name = models.CharField("tên hệ thống", max_length=120, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name="tài khoản dịch vụ",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="api_clients", verbose_name="cơ quan"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    #: the national portal's client may also file dossiers through /api/v1/portal/dossiers/
    kind = models.CharField(
        "loại", max_length=20, choices=ClientKind.choices, default=ClientKind.SYSTEM
    )
    #: Public part of the token, used to find the row (``mc_<prefix>_<secret>``).
    prefix = models.CharField("tiền tố khóa", max_length=16, unique=True)
    #: SHA-256 of the secret part (hex); the secret itself is shown once, never stored.
    secret_sha256 = models.CharField("băm SHA-256 của khóa bí mật", max_length=64)
    active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)

    class Meta:
        verbose_name = "hệ thống kết nối API"
        verbose_name_plural = "hệ thống kết nối API"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.code}, {self.role})"


class IdempotencyRecord(models.Model):
    """A create request already answered: same client + key → the same dossier."""

    client_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="tài khoản gửi",
    )
    key = models.CharField("khóa chống trùng (Idempotency-Key)", max_length=200)
    body_sha256 = models.CharField("băm SHA-256 của nội dung", max_length=64)
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="+", verbose_name="hồ sơ"
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "yêu cầu tạo hồ sơ đã nhận"
        verbose_name_plural = "yêu cầu tạo hồ sơ đã nhận"
        constraints = [
            models.UniqueConstraint(fields=["client_user", "key"], name="idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.dossier_id}"
