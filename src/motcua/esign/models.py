"""Which signing certificate belongs to which agency.

A certificate row binds one X.509 certificate (by its SHA-256 fingerprint) to the agency whose
results it signs. The private key is never in the database: ``key_ref`` names where the signing
backend finds it (a file under the e-sign folder for the demo CA's certificates, a PKCS#11 URI or
a remote-service key id for a province's real ones, see docs/esign.md).
"""

from __future__ import annotations

from django.db import models

from motcua.units.models import Agency


class AgencyCertificate(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="certificates", verbose_name="cơ quan"
    )
    fingerprint = models.CharField("dấu vân tay SHA-256", max_length=64, unique=True)
    subject = models.CharField("chủ thể", max_length=500)
    issuer = models.CharField("tổ chức cấp", max_length=500)
    serial = models.CharField("số hiệu", max_length=80)
    not_before = models.DateTimeField("hiệu lực từ")
    not_after = models.DateTimeField("hiệu lực đến")
    pem = models.TextField("chứng thư (PEM)")
    key_ref = models.CharField("vị trí khóa bí mật", max_length=500, blank=True)
    created_at = models.DateTimeField("đăng ký lúc")
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "chứng thư số của cơ quan"
        verbose_name_plural = "chứng thư số của cơ quan"
        ordering = ["agency", "-not_after"]

    def __str__(self) -> str:
        return f"{self.agency} — {self.subject}"
