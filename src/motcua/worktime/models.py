"""Working calendars as data an administrator edits (one per province, with a default)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from motcua.worktime.core import WorktimeError, parse_intervals


def validate_hours(value: str) -> None:
    try:
        parse_intervals(split_hours(value))
    except WorktimeError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc


def split_hours(value: str) -> list[tuple[str, str]]:
    """'07:00-11:30, 13:30-17:00' → [('07:00', '11:30'), ('13:30', '17:00')]."""
    pairs = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" not in part:
            raise ValidationError(f"Khoảng giờ {part!r} cần dạng HH:MM-HH:MM", code="bad_interval")
        a, b = part.split("-", 1)
        pairs.append((a.strip(), b.strip()))
    return pairs


class WorkCalendar(models.Model):
    code = models.SlugField("mã lịch", max_length=40, unique=True)
    name = models.CharField("tên lịch", max_length=200)
    is_default = models.BooleanField(
        "lịch mặc định",
        default=False,
        help_text="Lịch dùng khi đơn vị hay lệnh không chỉ định lịch nào.",
    )
    hours = models.CharField(
        "giờ làm việc",
        max_length=200,
        default="07:00-11:30, 13:30-17:00",
        validators=[validate_hours],
        help_text="Các khoảng giờ trong ngày, cách nhau bởi dấu phẩy, "
        "ví dụ 07:00-11:30, 13:30-17:00",
    )
    use_national_holidays = models.BooleanField(
        "áp dụng ngày lễ, Tết quốc gia",
        default=True,
        help_text="Ngày lễ theo Bộ luật Lao động và các ngày hoán đổi do Chính phủ quyết định "
        "(thư viện holidays, VN).",
    )
    round_to_end_of_day = models.BooleanField(
        "làm tròn hạn đến cuối ngày làm việc",
        default=False,
        help_text="Cách tính theo Bộ luật Dân sự (Điều 147–148): hạn kết thúc vào cuối ngày.",
    )
    # REGULATIONS.md §1: the 15:00 rule governs the hand-over to the processing agency; the legal
    # time limit counts from receipt (the default). A province may choose to count it from the
    # next working morning for counter dossiers received after the cut-off (ADR 0003).
    count_from_next_morning_after_cutoff = models.BooleanField(
        "tính thời hạn từ sáng hôm sau với hồ sơ nhận sau 15 giờ",
        default=False,
        help_text="Mặc định thời hạn giải quyết tính từ lúc tiếp nhận hồ sơ; hồ sơ nộp trực tiếp "
        "hoặc qua bưu chính nhận sau 15 giờ được chuyển cơ quan giải quyết vào đầu ngày làm việc "
        "tiếp theo. Chọn mục này để tính cả thời hạn giải quyết từ đầu ngày làm việc tiếp theo.",
    )
    first_year = models.PositiveSmallIntegerField("từ năm", default=2000)
    last_year = models.PositiveSmallIntegerField("đến năm", default=2060)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "lịch làm việc"
        verbose_name_plural = "lịch làm việc"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_calendar",
            ),
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="calendar_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DayKind(models.TextChoices):
    OFF = "off", "Ngày nghỉ thêm"
    WORKING = "working", "Ngày làm việc bù"


class CalendarDay(models.Model):
    calendar = models.ForeignKey(
        WorkCalendar, on_delete=models.CASCADE, related_name="days", verbose_name="lịch"
    )
    date = models.DateField("ngày")
    kind = models.CharField("loại", max_length=10, choices=DayKind.choices)
    reason = models.CharField("căn cứ, lý do", max_length=255, blank=True)

    class Meta:
        verbose_name = "ngày nghỉ thêm / làm bù"
        verbose_name_plural = "ngày nghỉ thêm / làm bù"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"
