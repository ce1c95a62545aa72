"""A small province for lifecycle tests: a commune desk under a district under the province,
a provincial department behind the Service Center, and staff with roles in each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from motcua.catalog.models import Procedure
from motcua.catalog.services import StepSpec, catalog_import_specs
from motcua.dossiers.services import ApplicantData, ChecklistEntry, Intake
from motcua.units.models import AdministrativeUnit, Agency, Level, Membership, Role, UnitKind
from tests.factories import UserFactory, procedure_spec

VN = dt.timezone(dt.timedelta(hours=7))


def at(text: str) -> dt.datetime:
    """'2022-01-28 15:00' local time."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


@dataclass
class World:
    province: AdministrativeUnit
    district: AdministrativeUnit
    commune: AdministrativeUnit
    center: Agency
    justice: Agency  # Sở Tư pháp
    health: Agency  # Sở Y tế
    district_committee: Agency
    district_desk: Agency
    commune_committee: Agency
    commune_desk: Agency
    users: dict[str, User]
    simple: Procedure  # provincial, 5 days, pause on supplement = False
    paused: Procedure  # provincial, 5 days, pause on supplement = True
    inter: Procedure  # commune → district, 7 days

    def intake(self, procedure: Procedure | None = None, **over: Any) -> Intake:
        p = procedure or self.simple
        data = {
            "procedure": p,
            "applicant": ApplicantData(
                "Nguyễn Văn An",
                "070123456789",
                phone="0912345678",
                email="an@example.vn",
                address="Đồng Xoài, Bình Phước",
            ),
            "request": "Đề nghị giải quyết thủ tục",
            "checklist": [
                ChecklistEntry(d.name, d.originals, d.copies, True, d.mandatory)
                for d in p.documents.all()
            ],
        }
        data.update(over)
        return Intake(**data)  # type: ignore[arg-type]


def member(user: User, agency: Agency, role: str) -> User:
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


def province_admin(username: str, agency: Agency, *apps: str) -> User:
    """A province administrator of ``agency``'s province, staff, with the administration's
    permissions on the models of ``apps``."""
    from django.contrib.auth.models import Permission

    user = member(UserFactory(username=username, is_staff=True), agency, Role.PROVINCE_ADMIN)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=apps))
    return user


def other_province_admin(*apps: str) -> tuple[User, Agency]:
    """The administrator of another province (Đồng Nai) with those permissions, and its
    provincial committee: what a scope test tries to reach this province's rows with."""
    other = AdministrativeUnit.objects.create(
        code="75", name="Tỉnh Đồng Nai", kind=UnitKind.PROVINCE, level=Level.PROVINCE
    )
    committee = Agency.objects.create(
        code="000.00.00.H39", name="UBND tỉnh Đồng Nai", kind="ubnd", level=1, unit=other
    )
    return province_admin("quantri_dongnai", committee, *apps), committee


@pytest.fixture
def world(db: None) -> World:
    province = AdministrativeUnit.objects.create(
        code="70", name="Tỉnh Bình Phước", kind=UnitKind.PROVINCE, level=Level.PROVINCE
    )
    district = AdministrativeUnit.objects.create(
        code="689",
        name="Thành phố Đồng Xoài",
        kind=UnitKind.PROVINCIAL_CITY,
        level=Level.DISTRICT,
        parent=province,
    )
    commune = AdministrativeUnit.objects.create(
        code="25195",
        name="Phường Tân Phú",
        kind=UnitKind.WARD,
        level=Level.COMMUNE,
        parent=district,
    )
    committee = Agency.objects.create(
        code="000.00.00.H10", name="UBND tỉnh", kind="ubnd", level=1, unit=province
    )
    center = Agency.objects.create(
        code="000.01.01.H10",
        name="Trung tâm Phục vụ HCC tỉnh",
        kind="trung_tam",
        level=1,
        unit=province,
        receives_dossiers=True,
        parent=committee,
    )
    justice = Agency.objects.create(
        code="000.00.03.H10",
        name="Sở Tư pháp",
        short_name="STP",
        kind="so_nganh",
        level=1,
        unit=province,
    )
    health = Agency.objects.create(
        code="000.00.16.H10",
        name="Sở Y tế",
        short_name="SYT",
        kind="so_nganh",
        level=1,
        unit=province,
    )
    dc = Agency.objects.create(
        code="000.00.42.H10", name="UBND thành phố Đồng Xoài", kind="ubnd", level=2, unit=district
    )
    dd = Agency.objects.create(
        code="000.01.42.H10",
        name="Bộ phận Một cửa TP Đồng Xoài",
        kind="mot_cua",
        level=2,
        unit=district,
        parent=dc,
        receives_dossiers=True,
    )
    cc = Agency.objects.create(
        code="001.00.42.H10",
        name="UBND phường Tân Phú",
        kind="ubnd",
        level=3,
        unit=commune,
        parent=dc,
    )
    cd = Agency.objects.create(
        code="001.01.42.H10",
        name="Bộ phận Một cửa phường Tân Phú",
        kind="mot_cua",
        level=3,
        unit=commune,
        parent=cc,
        receives_dossiers=True,
    )
    users = {
        "counter": member(UserFactory(username="motcua_tinh"), center, Role.COUNTER),
        "specialist": member(UserFactory(username="cv_tuphap"), justice, Role.SPECIALIST),
        "specialist2": member(UserFactory(username="cv_tuphap2"), justice, Role.SPECIALIST),
        "leader": member(UserFactory(username="ld_tuphap"), justice, Role.LEADER),
        "health": member(UserFactory(username="cv_yte"), health, Role.SPECIALIST),
        "commune_counter": member(UserFactory(username="motcua_xa"), cd, Role.COUNTER),
        "commune_officer": member(UserFactory(username="cv_xa"), cc, Role.SPECIALIST),
        "district_officer": member(UserFactory(username="cv_huyen"), dc, Role.SPECIALIST),
        "district_leader": member(UserFactory(username="ld_huyen"), dc, Role.LEADER),
        "outsider": UserFactory(username="nguoi_ngoai"),
    }
    member(users["leader"], justice, Role.SPECIALIST)
    specs = [
        procedure_spec("1.000001", agency_code=justice.code, valid_from=dt.date(2020, 1, 1)),
        procedure_spec(
            "1.000002",
            agency_code=justice.code,
            pause_on_supplement=True,
            valid_from=dt.date(2020, 1, 1),
        ),
        procedure_spec(
            "2.000003",
            name="Đăng ký kết hôn có yếu tố nước ngoài (liên thông)",
            level=3,
            is_inter_level=True,
            time_limit_days=7,
            valid_from=dt.date(2020, 1, 1),
            steps=[
                StepSpec("Tiếp nhận hồ sơ", "tiep_nhan", Decimal("0.5")),
                StepSpec("Thẩm định tại xã", "chuyen_vien", Decimal(2)),
                StepSpec(
                    "Chuyển liên thông, giải quyết tại huyện",
                    "lien_thong",
                    Decimal(3),
                    "",
                    Level.DISTRICT,
                ),
                StepSpec("Lãnh đạo huyện ký", "lanh_dao", Decimal(1), "", Level.DISTRICT),
                StepSpec("Trả kết quả", "tra_ket_qua", Decimal("0.5")),
            ],
        ),
    ]
    catalog_import_specs(actor=None, specs=specs, source="test")
    return World(
        province,
        district,
        commune,
        center,
        justice,
        health,
        dc,
        dd,
        cc,
        cd,
        users,
        Procedure.objects.get(code="1.000001"),
        Procedure.objects.get(code="1.000002"),
        Procedure.objects.get(code="2.000003"),
    )


@pytest.fixture
def no_fees(world: World) -> None:
    """The world's procedures without fees: for tests that count the receipt's own messages (a
    procedure with fees also writes a payment request, tested in tests/payments and
    tests/integrations/test_outbox_smtp.py)."""
    from motcua.catalog.models import FeeItem

    FeeItem.objects.all().delete()
