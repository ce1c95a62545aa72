"""Citizen and organisation accounts of the public portal.

A portal account is a Django user (``is_staff`` false, no membership) with one ``CitizenProfile``:
who it is (a person by ID number, an organisation by tax code), how to reach it, and whether its
e-mail is verified. Staff never have a profile; a profile never gets staff rights.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class AccountKind(models.TextChoices):
    PERSON = "person", "Công dân"
    ORGANISATION = "organisation", "Tổ chức, doanh nghiệp"


class CitizenProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="citizen",
        verbose_name="tài khoản",
    )
    kind = models.CharField(
        "loại tài khoản", max_length=14, choices=AccountKind.choices, default=AccountKind.PERSON
    )
    name = models.CharField("họ tên / tên tổ chức", max_length=255)
    # a person's 12-digit personal ID number, or an organisation's tax code (10 or 13 digits)
    id_number = models.CharField("số định danh / mã số thuế", max_length=20, db_index=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    address = models.CharField("địa chỉ", max_length=500, blank=True)
    email_verified_at = models.DateTimeField("xác thực thư điện tử lúc", null=True, blank=True)
    # a new address asked for on the profile page: it replaces ``email`` once its link is opened
    pending_email = models.EmailField("thư điện tử mới chờ xác thực", blank=True)
    # the identity provider's subject when the account came through OpenID Connect (VNeID, …)
    oidc_subject = models.CharField("định danh tại nhà cung cấp OIDC", max_length=255, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tài khoản công dân, tổ chức"
        verbose_name_plural = "tài khoản công dân, tổ chức"
        constraints = [
            models.UniqueConstraint(fields=["kind", "id_number"], name="citizen_identity_unique"),
            # one account per e-mail address (it is a login name), whatever its case
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="citizen_email_unique",
            ),
            # one account per identity at the OIDC provider
            models.UniqueConstraint(
                fields=["oidc_subject"],
                condition=~models.Q(oidc_subject=""),
                name="citizen_oidc_subject_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number})"
