"""Administrative units (a tree of any depth, with validity dates) and agencies (cơ quan)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from motcua.core.models import SearchableModel


class Level(models.IntegerChoices):
    PROVINCE = 1, "Cấp tỉnh"
    DISTRICT = 2, "Cấp huyện"
    COMMUNE = 3, "Cấp xã"


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", "Tỉnh"
    CENTRAL_CITY = "tp_tw", "Thành phố trực thuộc trung ương"
    URBAN_DISTRICT = "quan", "Quận"
    RURAL_DISTRICT = "huyen", "Huyện"
    TOWN = "thi_xa", "Thị xã"
    PROVINCIAL_CITY = "tp_tinh", "Thành phố thuộc tỉnh"
    COMMUNE = "xa", "Xã"
    WARD = "phuong", "Phường"
    TOWNSHIP = "thi_tran", "Thị trấn"
    SPECIAL_ZONE = "dac_khu", "Đặc khu"


class AdministrativeUnit(SearchableModel):
    """A province, district or commune as it existed between ``valid_from`` and ``valid_to``.

    Official codes are reused across reorganisations (since 1 July 2025 code 15 is the new Lào Cai,
    formerly Yên Bái), so a unit is identified by (code, valid_from). A unit merged into another
    keeps its row, gets ``valid_to`` and points to its ``successor``: everything attached to it
    stays findable under both (see ``selectors.unit_lineage``).
    """

    SEARCH_FIELDS = ("code", "name")

    code = models.CharField("mã", max_length=10, db_index=True)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=10, choices=UnitKind.choices)
    level = models.PositiveSmallIntegerField("cấp", choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="đơn vị cấp trên",
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name="sáp nhập vào",
    )
    source = models.CharField("nguồn dữ liệu", max_length=200, blank=True)
    calendar = models.ForeignKey(
        "worktime.WorkCalendar",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        verbose_name="lịch làm việc",
        help_text="Thường đặt ở cấp tỉnh; đơn vị cấp dưới dùng lịch của cấp trên.",
    )

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"],
                name="unit_code_valid_from_unique",
            ),
            # NULL valid_from ("since ever") must be unique too; SQLite has no NULLS NOT DISTINCT
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=models.Q(valid_from__isnull=True),
                name="unit_code_unique_open_start",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" (đến {self.valid_to:%d/%m/%Y})" if self.valid_to else ""
        return f"{self.name}{suffix}"


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "ubnd", "Ủy ban nhân dân"
    DEPARTMENT = "so_nganh", "Sở, ban, ngành"
    SERVICE_CENTER = "trung_tam", "Trung tâm Phục vụ hành chính công"
    ONE_STOP_DESK = "mot_cua", "Bộ phận Một cửa"
    COMMUNE_CENTER = "tt_xa", "Trung tâm Phục vụ hành chính công cấp xã"
    OFFICE = "phong", "Phòng chuyên môn"
    VERTICAL = "nganh_doc", "Cơ quan ngành dọc"


class Agency(SearchableModel):
    """A state agency that receives or handles dossiers, with its QCVN 102:2016 identifier.

    Identifiers have the shape ``V1V2V3.Z1Z2.Y1Y2.MX1X2`` (``000.00.00.H56`` is a provincial
    People's Committee); they are data, never derived in code, since a province's letter group is
    assigned by the ministry.
    """

    SEARCH_FIELDS = ("code", "name", "short_name")

    code = models.CharField("mã định danh (QCVN 102:2016)", max_length=40, unique=True)
    name = models.CharField("tên cơ quan", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=80, blank=True)
    kind = models.CharField("loại cơ quan", max_length=12, choices=AgencyKind.choices)
    level = models.PositiveSmallIntegerField("cấp", choices=Level.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name="địa bàn",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="cơ quan cấp trên",
    )
    receives_dossiers = models.BooleanField("tiếp nhận hồ sơ", default=False)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name="cơ quan kế thừa",
    )
    needs_review = models.BooleanField("cần rà soát (tạo khi nhập dữ liệu)", default=False)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=40, blank=True)

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan"
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COUNTER = "mot_cua", "Cán bộ một cửa"
    SPECIALIST = "chuyen_vien", "Chuyên viên"
    LEADER = "lanh_dao", "Lãnh đạo"
    AGENCY_ADMIN = "quan_tri_co_quan", "Quản trị cơ quan"
    PROVINCE_ADMIN = "quan_tri_tinh", "Quản trị cấp tỉnh"


class Membership(models.Model):
    """A staff member's role in an agency. Every back-office permission is scoped by these rows;
    a province administrator's membership covers every agency under the agency's unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="người dùng",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name="cơ quan"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "vai trò cán bộ"
        verbose_name_plural = "vai trò cán bộ"
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
