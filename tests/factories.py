"""Factories shared by the tests (factory_boy), with traits for common shapes."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.catalog.services import DocumentSpec, FeeSpec, ProcedureSpec, StepSpec
from motcua.units.models import AdministrativeUnit, Agency, Level, UnitKind


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("level", "code", "valid_from")

    code = "70"
    name = "Tỉnh Bình Phước"
    kind = UnitKind.PROVINCE
    level = Level.PROVINCE
    valid_from = None


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H10")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    kind = "so_nganh"
    level = Level.PROVINCE
    unit = factory.SubFactory(ProvinceFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("mat-khau-thu-nghiem-1")

    class Params:
        superuser = factory.Trait(is_staff=True, is_superuser=True)


def procedure_spec(code: str = "1.000001", **overrides: object) -> ProcedureSpec:
    limit = Decimal(str(overrides.pop("time_limit_days", 5)))
    values: dict[str, object] = {
        "code": code,
        "name": "Thành lập Văn phòng công chứng",
        "field_code": "G09-TP01",
        "field_name": "Công chứng",
        "level": Level.PROVINCE,
        "time_limit_days": limit,
        "online_service": "mot_phan",
        "result": "Quyết định cho phép thành lập",
        "documents": [
            DocumentSpec("Đơn đề nghị thành lập", 1, 0),
            DocumentSpec("Đề án thành lập", 1, 1, False),
        ],
        "fees": [FeeSpec("Phí thẩm định", 1_000_000)],
        "steps": [
            StepSpec("Tiếp nhận hồ sơ", "tiep_nhan", Decimal("0.5")),
            StepSpec("Thẩm định", "chuyen_vien", limit - 2),
            StepSpec("Lãnh đạo ký", "lanh_dao", Decimal(1)),
            StepSpec("Trả kết quả", "tra_ket_qua", Decimal("0.5")),
        ],
    }
    values.update(overrides)
    return ProcedureSpec(**values)  # type: ignore[arg-type]


class CitizenFactory(factory.django.DjangoModelFactory):
    """A portal account: a non-staff user with a verified citizen profile."""

    class Meta:
        model = "citizens.CitizenProfile"

    user = factory.SubFactory(UserFactory, is_staff=False)
    kind = "person"
    name = factory.Sequence(lambda n: f"Nguyễn Văn Dân {n}")
    id_number = factory.Sequence(lambda n: f"0792{n + 50_000_000:08d}")  # clear of fixed numbers
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    email = factory.Sequence(lambda n: f"dan{n}@example.vn")
    email_verified_at = factory.LazyFunction(timezone.now)
