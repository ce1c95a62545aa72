"""The two-level demo's structure: Đồng Nai as it is since 1 July 2025 (the province, its
Public Administrative Service Center, departments and one commune-level center per commune or
ward), and the former three-level Bình Phước (its province, districts and their one-stop desks,
in force until 30 June 2025, each with its successor).

Identifiers follow QCVN 102:2016 (``V1V2V3.Z1Z2.Y1Y2.MX1X2``); those of the communes are data
(``data/dong_nai.json``), the province group ``H19`` and the numbers are demo data [verify]. The
former Bình Phước keeps the identifiers of the 2022 demo (``motcua.demo.agencies``, group H10).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from motcua.audit.services import audit_record
from motcua.demo import agencies as bp
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Level
from motcua.units.services import LAST_DAY_OLD, REFORM_DATE

PROVINCE_CODE = "75"  # Đồng Nai (Bình Phước, 70, merged into it)
FORMER_CODE = "70"

# The departments after the 2025 restructuring (Nghị quyết 190/2025/QH15 and the province's
# decisions): (number, name, short name). Numbers are demo data [verify].
DEPARTMENTS: tuple[tuple[int, str, str], ...] = (
    (1, "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND"),
    (2, "Sở Nội vụ", "SNV"),
    (3, "Sở Tư pháp", "STP"),
    (5, "Sở Tài chính", "STC"),
    (6, "Sở Công Thương", "SCT"),
    (8, "Sở Nông nghiệp và Môi trường", "SNNMT"),
    (9, "Sở Xây dựng", "SXD"),
    (13, "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    (14, "Sở Khoa học và Công nghệ", "SKHCN"),
    (15, "Sở Giáo dục và Đào tạo", "SGDĐT"),
    (16, "Sở Y tế", "SYT"),
    (17, "Thanh tra tỉnh", "TTT"),
    (18, "Sở Ngoại vụ", "SNGV"),
    (19, "Sở Dân tộc và Tôn giáo", "SDTTG"),
    (20, "Ban Quản lý các Khu công nghiệp", "BQLKCN"),
)
#: the demo catalog's department numbers (the 2022 list) → the department that took them over
MERGED_INTO = {4: 5, 7: 9, 10: 8, 11: 14, 12: 2}
VERTICAL: tuple[tuple[int, str, str], ...] = (
    (31, "Công an tỉnh", "CA"),
    (32, "Thuế tỉnh Đồng Nai", "Thuế"),
    (33, "Bảo hiểm xã hội tỉnh", "BHXH"),
)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def data() -> dict[str, Any]:
    text = resources.files("motcua.demo.current").joinpath("data", "dong_nai.json")
    return json.loads(text.read_text("utf-8"))


def group() -> str:
    return str(data()["province_group"])


def code(v: int, z: int, y: int) -> str:
    return f"{v:03d}.{z:02d}.{y:02d}.{group()}"


def department_code(number: int) -> str:
    """The current department of a demo-catalog department number (2022 numbering)."""
    return code(0, 0, MERGED_INTO.get(number, number))


@dataclass(frozen=True)
class Built:
    province: AdministrativeUnit
    committee: Agency
    center: Agency
    #: commune unit code → (its People's Committee, its commune-level center)
    communes: dict[str, tuple[Agency, Agency]]
    #: former agency pk → successor (the transition's mapping)
    successors: dict[int, Agency]


def _agency(by_code: dict[str, Agency], **values: Any) -> Agency:
    found = by_code.get(values["code"])
    if found is not None:
        return found
    agency = Agency(**values)
    agency.refresh_search_text()
    agency.save()
    by_code[agency.code] = agency
    return agency


def build() -> Built:
    """Idempotent: agencies already there (by code) are kept as they are."""
    by_code = {a.code: a for a in Agency.objects.all()}
    province = AdministrativeUnit.objects.get(
        level=Level.PROVINCE, code=PROVINCE_CODE, valid_from=REFORM_DATE
    )
    name = province.name
    committee = _agency(
        by_code,
        code=code(0, 0, 0),
        name=f"Ủy ban nhân dân {_lower_first(name)}",
        short_name="UBND tỉnh",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        level=Level.PROVINCE,
        unit=province,
        valid_from=REFORM_DATE,
    )
    office = None
    for n, dep, short in DEPARTMENTS:
        a = _agency(
            by_code,
            code=code(0, 0, n),
            name=dep,
            short_name=short,
            kind=AgencyKind.DEPARTMENT,
            level=Level.PROVINCE,
            unit=province,
            parent=committee,
            valid_from=REFORM_DATE,
        )
        office = office or a
    for n, dep, short in VERTICAL:
        _agency(
            by_code,
            code=code(0, 0, n),
            name=dep,
            short_name=short,
            kind=AgencyKind.VERTICAL,
            level=Level.PROVINCE,
            unit=province,
            valid_from=REFORM_DATE,
        )
    center = _agency(
        by_code,
        code=code(0, 1, 1),
        name=f"Trung tâm Phục vụ hành chính công {_lower_first(name)}",
        short_name="TTPVHCC",
        kind=AgencyKind.SERVICE_CENTER,
        level=Level.PROVINCE,
        unit=province,
        parent=office,
        receives_dossiers=True,
        valid_from=REFORM_DATE,
    )
    communes = _communes(by_code, province, committee)
    successors = _former(by_code, committee, center, communes)
    return Built(province, committee, center, communes, successors)


def _communes(
    by_code: dict[str, Agency], province: AdministrativeUnit, committee: Agency
) -> dict[str, tuple[Agency, Agency]]:
    """Each commune's People's Committee and its commune-level center, written in bulk (two
    statements and one audit entry instead of 190 saves)."""
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            level=Level.COMMUNE, valid_from=REFORM_DATE, parent=province
        )
    }
    rows = data()["communes"]
    common = {"level": Level.COMMUNE, "valid_from": REFORM_DATE}
    new = [
        Agency(
            code=r["committee"],
            name=f"Ủy ban nhân dân {r['name']}",
            short_name=f"UBND {r['name']}",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            unit=units[r["unit"]],
            parent=committee,
            **common,
        )
        for r in rows
        if r["committee"] not in by_code
    ]
    _bulk(by_code, new)
    new = [
        Agency(
            code=r["center"],
            name=f"Trung tâm Phục vụ hành chính công {r['name']}",
            short_name=f"TTPVHCC {r['name']}",
            kind=AgencyKind.COMMUNE_CENTER,
            unit=units[r["unit"]],
            parent=by_code[r["committee"]],
            receives_dossiers=True,
            **common,
        )
        for r in rows
        if r["center"] not in by_code
    ]
    _bulk(by_code, new)
    return {r["unit"]: (by_code[r["committee"]], by_code[r["center"]]) for r in rows}


def _bulk(by_code: dict[str, Agency], agencies: list[Agency]) -> None:
    if not agencies:
        return
    for a in agencies:
        a.refresh_search_text()
    Agency.objects.bulk_create(agencies)
    saved = Agency.objects.filter(code__in=[a.code for a in agencies])
    by_code.update({a.code: a for a in saved})
    audit_record(
        actor=None,
        action="units.agencies_load",
        object_type="Agency",
        object_id="demo-current",
        after={"created": [a.code for a in agencies]},
    )


def _former(
    by_code: dict[str, Agency],
    committee: Agency,
    center: Agency,
    communes: dict[str, tuple[Agency, Agency]],
) -> dict[int, Agency]:
    """The former Bình Phước: province, center, districts and their desks, until 30 June 2025,
    each pointing to its successor (a district's to the commune of its former seat)."""
    province = AdministrativeUnit.objects.get(
        level=Level.PROVINCE, code=FORMER_CODE, valid_from=None
    )
    seats = {k: v for k, v in data()["former_districts"].items() if not k.startswith("_")}
    old = {
        "valid_to": LAST_DAY_OLD,
    }
    successors: dict[int, Agency] = {}

    def former(successor: Agency, **values: Any) -> Agency:
        a = _agency(by_code, **values, **old)
        if a.successor_id != successor.pk:
            a.successor = successor
            a.save(update_fields=["successor"])
        successors[a.pk] = successor
        return a

    bp_committee = former(
        committee,
        code=bp.code(0, 0, 0),
        name="Ủy ban nhân dân tỉnh Bình Phước",
        short_name="UBND tỉnh Bình Phước",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        level=Level.PROVINCE,
        unit=province,
    )
    former(
        center,
        code=bp.code(0, 1, 1),
        name="Trung tâm Phục vụ hành chính công tỉnh Bình Phước",
        short_name="TTPVHCC Bình Phước",
        kind=AgencyKind.SERVICE_CENTER,
        level=Level.PROVINCE,
        unit=province,
        parent=bp_committee,
        receives_dossiers=True,
    )
    for i, d in enumerate(
        AdministrativeUnit.objects.filter(parent=province, level=Level.DISTRICT).order_by("code"),
        start=1,
    ):
        c_committee, c_center = communes[seats[d.code]]
        y = 40 + i
        d_committee = former(
            c_committee,
            code=bp.code(0, 0, y),
            name=f"Ủy ban nhân dân {d.name}",
            short_name=f"UBND {d.name}",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            level=Level.DISTRICT,
            unit=d,
            parent=bp_committee,
        )
        former(
            c_center,
            code=bp.code(0, 1, y),
            name=f"Bộ phận Một cửa {d.name}",
            short_name=f"Một cửa {d.name}",
            kind=AgencyKind.ONE_STOP_DESK,
            level=Level.DISTRICT,
            unit=d,
            parent=d_committee,
            receives_dossiers=True,
        )
    return successors
