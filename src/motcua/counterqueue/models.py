"""The counter queue: desks (numbered counters) of a receiving agency, tickets taken at the kiosk,
and one event row per thing that happened to a ticket (who called it, from which desk, when)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from motcua.catalog.models import Field, Procedure
from motcua.units.models import Agency


class Desk(models.Model):
    """A counter (quầy) of a receiving agency — the one-stop desk or a Service Center — and the
    fields it serves (none chosen: every field)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="queue_desks", verbose_name="nơi tiếp nhận"
    )
    number = models.PositiveSmallIntegerField("quầy số")
    name = models.CharField("tên quầy", max_length=120, blank=True)
    fields = models.ManyToManyField(
        Field,
        blank=True,
        related_name="queue_desks",
        verbose_name="lĩnh vực tiếp nhận",
        help_text="Để trống: quầy tiếp nhận mọi lĩnh vực.",
    )
    active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "quầy tiếp nhận"
        verbose_name_plural = "quầy tiếp nhận"
        ordering = ["agency", "number"]
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="desk_number")]

    def __str__(self) -> str:
        return f"Quầy {self.number}" + (f" — {self.name}" if self.name else "")


class DayCounter(models.Model):
    """The last number issued by an agency on a day (one conditional UPDATE per ticket)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="+", verbose_name="nơi tiếp nhận"
    )
    day = models.DateField("ngày")
    last = models.PositiveIntegerField("số cuối đã cấp", default=0)

    class Meta:
        verbose_name = "bộ đếm số thứ tự"
        verbose_name_plural = "bộ đếm số thứ tự"
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="day_counter_once")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "Đang chờ"
    CALLED = "called", "Đã gọi"
    SERVING = "serving", "Đang tiếp nhận"
    DONE = "done", "Đã xong"
    SKIPPED = "skipped", "Vắng mặt (bỏ qua)"
    TRANSFERRED = "transferred", "Chuyển quầy, đang chờ"


#: A desk holds at most one ticket in these states.
OPEN = (TicketStatus.CALLED, TicketStatus.SERVING)


class Ticket(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="queue_tickets", verbose_name="nơi tiếp nhận"
    )
    day = models.DateField("ngày")
    number = models.PositiveIntegerField("số thứ tự")
    field = models.ForeignKey(
        Field,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="lĩnh vực",
    )
    procedure = models.ForeignKey(
        Procedure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="thủ tục",
    )
    status = models.CharField(
        "tình trạng", max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    booking = models.ForeignKey(
        "eservices.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="queue_tickets",
        verbose_name="lịch hẹn",
    )
    due_at = models.DateTimeField("giờ hẹn (ưu tiên)", null=True, blank=True)
    desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name="quầy",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cán bộ",
    )
    taken_at = models.DateTimeField("lấy số lúc")
    called_at = models.DateTimeField("gọi lúc", null=True, blank=True)
    first_called_at = models.DateTimeField("gọi lần đầu lúc", null=True, blank=True)
    announced_at = models.DateTimeField("thông báo gần nhất", null=True, blank=True)
    served_at = models.DateTimeField("bắt đầu tiếp nhận lúc", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    calls = models.PositiveSmallIntegerField("số lần gọi", default=0)

    class Meta:
        verbose_name = "số thứ tự"
        verbose_name_plural = "số thứ tự"
        ordering = ["day", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "day", "number"], name="ticket_number_once"),
            models.UniqueConstraint(
                fields=["desk"],
                condition=models.Q(status__in=["called", "serving"]),
                name="ticket_one_open_per_desk",
            ),
            models.UniqueConstraint(
                fields=["booking"],
                condition=models.Q(booking__isnull=False),
                name="ticket_once_per_booking",
            ),
        ]
        indexes = [models.Index(fields=["agency", "day", "status"], name="ticket_queue")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number:04d}"

    @property
    def priority(self) -> bool:
        return self.due_at is not None


class TicketEvent(models.Model):
    class Kind(models.TextChoices):
        TAKE = "take", "Lấy số"
        CALL = "call", "Gọi số"
        RECALL = "recall", "Gọi lại"
        SERVE = "serve", "Bắt đầu tiếp nhận"
        SKIP = "skip", "Bỏ qua"
        TRANSFER = "transfer", "Chuyển quầy"
        FINISH = "finish", "Hoàn thành"

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name="số thứ tự"
    )
    kind = models.CharField("việc", max_length=10, choices=Kind.choices)
    at = models.DateTimeField("lúc")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thực hiện",
    )
    desk = models.ForeignKey(
        Desk, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="quầy"
    )
    to_desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chuyển đến quầy",
    )

    class Meta:
        verbose_name = "sự kiện số thứ tự"
        verbose_name_plural = "sự kiện số thứ tự"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%H:%M}"
