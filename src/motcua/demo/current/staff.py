"""The two-level demo's staff: the provincial center, two departments, three commune centers
(Phường Đồng Xoài, which took over the former Đồng Xoài city's desk, Phường Biên Hòa and Xã Lộc
Ninh), a province administrator; and the former Bình Phước officers who received the carried-over
dossiers before 1 July 2025 (their roles end with the old structure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from motcua.demo.current.structure import Built, department_code
from motcua.units.models import Agency, Membership, Role

DONG_XOAI = "25210"  # Phường Đồng Xoài
BIEN_HOA = "26068"  # Phường Biên Hòa
LOC_NINH = "25270"  # Xã Lộc Ninh
JUSTICE, ENVIRONMENT = 3, 10  # demo-catalog department numbers (10: now Nông nghiệp và Môi trường)


@dataclass(frozen=True)
class Staff:
    username: str
    name: str
    agency: Agency
    role: str


def staff_plan(built: Built) -> list[Staff]:
    by_code = {a.code: a for a in Agency.objects.filter(valid_to__isnull=True)}
    justice = by_code[department_code(JUSTICE)]
    environment = by_code[department_code(ENVIRONMENT)]
    dx_committee, dx_center = built.communes[DONG_XOAI]
    bh_committee, bh_center = built.communes[BIEN_HOA]
    ln_committee, ln_center = built.communes[LOC_NINH]
    return [
        Staff("motcua.tinh", "Nguyễn Thị Hoa", built.center, Role.COUNTER),
        Staff("cv.tuphap", "Trần Văn Minh", justice, Role.SPECIALIST),
        Staff("ld.tuphap", "Lê Quốc Hùng", justice, Role.LEADER),
        Staff("cv.nnmt", "Phạm Thu Trang", environment, Role.SPECIALIST),
        Staff("ld.nnmt", "Võ Đức Long", environment, Role.LEADER),
        Staff("motcua.dongxoai", "Huỳnh Ngọc Mai", dx_center, Role.COUNTER),
        Staff("cv.dongxoai", "Đặng Minh Tuấn", dx_committee, Role.SPECIALIST),
        Staff("ld.dongxoai", "Bùi Văn Nam", dx_committee, Role.LEADER),
        Staff("motcua.bienhoa", "Đỗ Thị Lan", bh_center, Role.COUNTER),
        Staff("cv.bienhoa", "Hồ Văn Phúc", bh_committee, Role.SPECIALIST),
        Staff("ld.bienhoa", "Ngô Thanh Tâm", bh_committee, Role.LEADER),
        Staff("motcua.locninh", "Lý Thị Thảo", ln_center, Role.COUNTER),
        Staff("cv.locninh", "Phan Hữu Cường", ln_committee, Role.SPECIALIST),
        Staff("quantri.tinh", "Dương Kim Ngân", built.committee, Role.PROVINCE_ADMIN),
    ]


def former_plan(built: Built) -> list[Staff]:
    """Officers of the former Đồng Xoài and Lộc Ninh desks and committees (until 30/6/2025)."""
    former = {a.successor_id: a for a in Agency.objects.filter(pk__in=list(built.successors))}
    out = []
    for key, slug, names in (
        (DONG_XOAI, "dongxoai", ("Trịnh Văn Bảo", "Mai Thị Hằng")),
        (LOC_NINH, "locninh", ("Cao Minh Khoa", "La Thị Yến")),
    ):
        committee, center = built.communes[key]
        out.append(Staff(f"cu.motcua.{slug}", names[0], former[center.pk], Role.COUNTER))
        out.append(Staff(f"cu.cv.{slug}", names[1], former[committee.pk], Role.SPECIALIST))
    return out


def user_for(username: str, full_name: str, password: str | None, *, staff: bool = False) -> Any:
    """``full_name`` in Vietnamese order (family and middle names to ``last_name``).
    ``password``: already hashed (``make_password``; the staff share one), None: unusable."""
    model = get_user_model()
    user = model.objects.filter(username=username).first() or model(username=username)
    last, _, first = full_name.rpartition(" ")
    user.last_name, user.first_name = last, first
    user.is_active = True
    user.is_staff = staff
    if password is None:
        user.set_unusable_password()
    else:
        user.password = password
    user.save()
    return user


def load_staff(built: Built, password: str) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password

    from motcua.demo.dossiers_gen import _province_admin_group

    users = {}
    hashed = make_password(password)  # one hash for the shared password: hashing is the slow part
    for s in staff_plan(built):
        admin = s.role == Role.PROVINCE_ADMIN
        user = user_for(s.username, s.name, hashed, staff=admin)
        Membership.objects.get_or_create(user=user, agency=s.agency, role=s.role)
        if admin:
            user.groups.add(_province_admin_group())
        users[s.username] = user
    for s in former_plan(built):
        user = user_for(s.username, s.name, None)
        Membership.objects.get_or_create(user=user, agency=s.agency, role=s.role)
        users[s.username] = user
    return users


def end_former_roles(built: Built) -> int:
    """The former agencies' roles end with them (after the carried-over dossiers moved on)."""
    return Membership.objects.filter(agency_id__in=list(built.successors), active=True).update(
        active=False
    )
