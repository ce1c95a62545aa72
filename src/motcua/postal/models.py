"""Postal return of results and pickup of paper dossiers (Decision 45/2016/QĐ-TTg).

Rows only; every change goes through ``services`` (a dossier event or an audit entry in the
same transaction). ``PostalRequest`` is what the applicant chose at submission; ``Shipment`` is
one order placed with the postal operator (a result sent back, or papers collected);
``ShipmentEvent`` is each status the operator reported (callback or polling), kept once per
operator event id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from motcua.dossiers.models import Dossier
from motcua.units.models import AdministrativeUnit


class PostalRequest(models.Model):
    """The applicant's choice made when filing: the result by post (with the address it goes
    to), and for online filing the collection of the paper dossier at home."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="postal", verbose_name="hồ sơ"
    )
    return_by_post = models.BooleanField("nhận kết quả qua bưu chính công ích", default=True)
    pickup = models.BooleanField("thu gom hồ sơ giấy tại nhà", default=False)
    recipient_name = models.CharField("người nhận", max_length=255)
    phone = models.CharField("điện thoại người nhận", max_length=20)
    street = models.CharField("số nhà, đường, thôn/xóm", max_length=255)
    ward = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="phường/xã",
    )
    created_at = models.DateTimeField("chọn lúc")

    class Meta:
        verbose_name = "yêu cầu dịch vụ bưu chính"
        verbose_name_plural = "yêu cầu dịch vụ bưu chính"

    def __str__(self) -> str:
        return f"{self.dossier} — {self.recipient_name}"

    @property
    def address(self) -> str:
        """The full address: street, then the ward and the units above it."""
        parts = [self.street]
        unit: AdministrativeUnit | None = self.ward
        seen = 0
        while unit is not None and seen < 5:
            parts.append(unit.name)
            unit = unit.parent
            seen += 1
        return ", ".join(p for p in parts if p)


class ShipmentKind(models.TextChoices):
    RESULT = "result", "Chuyển trả kết quả"
    PICKUP = "pickup", "Thu gom hồ sơ giấy"


class ShipmentStatus(models.TextChoices):
    """Our normalised statuses; each operator maps its own codes onto them (``operators``)."""

    CREATED = "created", "Đã giao cho bưu chính, chờ bưu tá đến nhận"
    PICKED_UP = "picked_up", "Bưu chính đã nhận bưu gửi"
    IN_TRANSIT = "in_transit", "Đang vận chuyển"
    DELIVERY_FAILED = "delivery_failed", "Phát không thành công, sẽ phát lại"
    DELIVERED = "delivered", "Đã phát thành công cho người nhận"
    RETURNING = "returning", "Đang chuyển hoàn về cơ quan"
    RETURNED = "returned", "Đã chuyển hoàn về cơ quan"
    CANCELLED = "cancelled", "Đã hủy"


#: The order statuses normally follow; a report of a lower rank arriving later (out of order)
#: is recorded but does not move the shipment back.
STATUS_RANK = {
    ShipmentStatus.CREATED: 0,
    ShipmentStatus.PICKED_UP: 1,
    ShipmentStatus.IN_TRANSIT: 2,
    ShipmentStatus.DELIVERY_FAILED: 3,
    ShipmentStatus.RETURNING: 4,
    ShipmentStatus.DELIVERED: 9,
    ShipmentStatus.RETURNED: 9,
    ShipmentStatus.CANCELLED: 9,
}
#: Final statuses: nothing changes a shipment afterwards.
FINAL_STATUSES = (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.CANCELLED)


class FeePayer(models.TextChoices):
    RECEIVER = "receiver", "Người nhận trả cước khi nhận (thu hộ - COD)"
    AGENCY = "agency", "Cơ quan trả trước"
    SENDER = "sender", "Người nộp trả cước khi bưu tá đến thu gom"


class Shipment(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="shipments", verbose_name="hồ sơ"
    )
    kind = models.CharField(
        "loại", max_length=8, choices=ShipmentKind.choices, default=ShipmentKind.RESULT
    )
    # the order code we send the operator: the same for a double click or a retry, so the
    # operator answers with the same shipment instead of making a second one
    idempotency_key = models.CharField("mã đơn hàng (khóa chống trùng)", max_length=80, unique=True)
    operator = models.CharField("doanh nghiệp bưu chính", max_length=40)
    item_code = models.CharField("số hiệu bưu gửi", max_length=40, unique=True)
    status = models.CharField(
        "trạng thái",
        max_length=16,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.CREATED,
        db_index=True,
    )
    fee_vnd = models.BigIntegerField("cước (đồng)", default=0)
    cod_vnd = models.BigIntegerField("thu hộ khi phát (đồng)", default=0)
    fee_payer = models.CharField(
        "bên trả cước", max_length=8, choices=FeePayer.choices, default=FeePayer.RECEIVER
    )
    weight_g = models.PositiveIntegerField("khối lượng (gam)", default=200)
    recipient_name = models.CharField("người nhận", max_length=255)
    recipient_phone = models.CharField("điện thoại người nhận", max_length=20)
    recipient_address = models.CharField("địa chỉ người nhận", max_length=600)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cán bộ giao bưu chính",
    )
    created_at = models.DateTimeField("giao bưu chính lúc")
    status_at = models.DateTimeField("trạng thái lúc")
    delivered_at = models.DateTimeField("phát thành công lúc", null=True, blank=True)
    polled_at = models.DateTimeField("tra cứu gần nhất", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "bưu gửi"
        verbose_name_plural = "bưu gửi"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.item_code

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class EventSource(models.TextChoices):
    HANDOVER = "handover", "Giao bưu chính"
    WEBHOOK = "webhook", "Thông báo của bưu chính"
    POLL = "poll", "Tra cứu định kỳ"


class ShipmentEvent(models.Model):
    """A status reported by the operator, once per operator event id (duplicates dropped)."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="events", verbose_name="bưu gửi"
    )
    event_id = models.CharField("mã sự kiện của bưu chính", max_length=80)
    status = models.CharField("trạng thái", max_length=16, choices=ShipmentStatus.choices)
    operator_code = models.CharField("mã trạng thái của bưu chính", max_length=10)
    at = models.DateTimeField("thời điểm (theo bưu chính)")
    received_at = models.DateTimeField("nhận lúc")
    source = models.CharField("nguồn", max_length=8, choices=EventSource.choices)
    applied = models.BooleanField("đã cập nhật trạng thái", default=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "sự kiện bưu gửi"
        verbose_name_plural = "sự kiện bưu gửi"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "event_id"], name="postal_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.status} {self.at:%Y-%m-%d %H:%M}"
