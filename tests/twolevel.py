"""The small province of tests/dossiers/conftest.py carried into the two-level model: its district
and commune end on 30 June 2025; a new ward (its People's Committee and its Public Administrative
Service Center) carries both on; a district-level procedure received at the district desk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User

from motcua.catalog.models import Procedure
from motcua.catalog.services import StepSpec, catalog_import_specs
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Level, Role, UnitKind
from tests.dossiers.conftest import World, member
from tests.factories import UserFactory, procedure_spec

REFORM = dt.date(2025, 7, 1)
LAST_OLD = dt.date(2025, 6, 30)


@dataclass
class TwoLevel:
    w: World
    ward: AdministrativeUnit
    ward_committee: Agency  # UBND phường Đồng Xoài (from 1/7/2025)
    ward_center: Agency  # Trung tâm Phục vụ HCC phường Đồng Xoài
    other_ward: AdministrativeUnit
    other_committee: Agency
    other_center: Agency
    district_proc: Procedure  # level 2, 10 days, until 30/6/2025
    commune_proc: Procedure  # level 3, 5 days, from 1/7/2025
    users: dict[str, User]


def build(w: World, *, successors: bool = True) -> TwoLevel:
    for unit in (w.district, w.commune):
        unit.valid_to = LAST_OLD
        unit.save(update_fields=["valid_to"])
    ward = AdministrativeUnit.objects.create(
        code="25195",
        name="Phường Đồng Xoài",
        kind=UnitKind.WARD,
        level=Level.COMMUNE,
        parent=w.province,
        valid_from=REFORM,
    )
    other = AdministrativeUnit.objects.create(
        code="25210",
        name="Phường Bình Phước",
        kind=UnitKind.WARD,
        level=Level.COMMUNE,
        parent=w.province,
        valid_from=REFORM,
    )
    committee = Agency.objects.create(
        code="H10.01.01", name="UBND phường Đồng Xoài", kind="ubnd", level=3, unit=ward
    )
    center = Agency.objects.create(
        code="H10.01.01.01",
        name="Trung tâm Phục vụ hành chính công phường Đồng Xoài",
        kind=AgencyKind.COMMUNE_CENTER,
        level=3,
        unit=ward,
        parent=committee,
        receives_dossiers=True,
        valid_from=REFORM,
    )
    other_committee = Agency.objects.create(
        code="H10.01.02", name="UBND phường Bình Phước", kind="ubnd", level=3, unit=other
    )
    other_center = Agency.objects.create(
        code="H10.01.02.01",
        name="Trung tâm Phục vụ hành chính công phường Bình Phước",
        kind=AgencyKind.COMMUNE_CENTER,
        level=3,
        unit=other,
        parent=other_committee,
        receives_dossiers=True,
        valid_from=REFORM,
    )
    if successors:
        for old, new in (
            (w.district_committee, committee),
            (w.district_desk, center),
            (w.commune_committee, committee),
            (w.commune_desk, center),
        ):
            old.successor = new
            old.save(update_fields=["successor"])
    steps = [
        StepSpec("Tiếp nhận hồ sơ", "tiep_nhan", Decimal("0.5")),
        StepSpec("Thẩm định", "chuyen_vien", Decimal(7)),
        StepSpec("Lãnh đạo ký", "lanh_dao", Decimal(2)),
        StepSpec("Trả kết quả", "tra_ket_qua", Decimal("0.5")),
    ]
    specs = [
        procedure_spec(
            "2.000100",
            name="Cấp giấy chứng nhận đăng ký hộ kinh doanh",
            level=Level.DISTRICT,
            time_limit_days=10,
            valid_from=dt.date(2020, 1, 1),
            valid_to=LAST_OLD,
            fees=[],
            steps=steps,
        ),
        procedure_spec(
            "2.000101",
            name="Cấp giấy chứng nhận đăng ký hộ kinh doanh (cấp xã)",
            level=Level.COMMUNE,
            time_limit_days=5,
            valid_from=REFORM,
            fees=[],
            steps=[
                StepSpec("Tiếp nhận hồ sơ", "tiep_nhan", Decimal("0.5")),
                StepSpec("Thẩm định", "chuyen_vien", Decimal(3)),
                StepSpec("Lãnh đạo ký", "lanh_dao", Decimal(1)),
                StepSpec("Trả kết quả", "tra_ket_qua", Decimal("0.5")),
            ],
        ),
    ]
    catalog_import_specs(actor=None, specs=specs, source="test")
    users = {
        "district_counter": member(
            UserFactory(username="motcua_huyen"), w.district_desk, "mot_cua"
        ),
        "ward_counter": member(UserFactory(username="motcua_phuong"), center, Role.COUNTER),
        "ward_officer": member(UserFactory(username="cv_phuong"), committee, Role.SPECIALIST),
        "ward_leader": member(UserFactory(username="ld_phuong"), committee, Role.LEADER),
        "other_counter": member(UserFactory(username="motcua_bp"), other_center, Role.COUNTER),
        "other_officer": member(UserFactory(username="cv_bp"), other_committee, Role.SPECIALIST),
        "province_admin": member(UserFactory(username="qt_tinh"), w.center, Role.PROVINCE_ADMIN),
    }
    return TwoLevel(
        w,
        ward,
        committee,
        center,
        other,
        other_committee,
        other_center,
        Procedure.objects.get(code="2.000100"),
        Procedure.objects.get(code="2.000101"),
        users,
    )
