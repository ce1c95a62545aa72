"""The demo province's agencies: Bình Phước 2022 as the seed describes it.

Agency identifiers follow the QCVN 102:2016 shape ``V1V2V3.Z1Z2.Y1Y2.MX1X2`` (REGULATIONS §5): the
province in MX1X2, its departments and districts in Y1Y2, their sub-units (district offices and
desk, and the communes of a district) in Z1Z2, and a commune's own sub-unit (its one-stop desk) in
V1V2V3. So a commune People's Committee is ``000.ZZ.YY.H10`` under its district ``000.00.YY.H10``
(like Thanh Hóa's ``000.17.22.H56``), never a new V1V2V3. The province group ``H10`` and the
numbers below are demo data [verify]: a real province loads its ministry-assigned codes as data.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE_GROUP = "H10"

# (number, name, short name, kind): the 20 provincial departments, boards and sectors of the
# seed (section 3), receiving at the Public Administrative Service Center.
DEPARTMENTS: tuple[tuple[int, str, str], ...] = (
    (1, "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND"),
    (2, "Sở Nội vụ", "SNV"),
    (3, "Sở Tư pháp", "STP"),
    (4, "Sở Kế hoạch và Đầu tư", "SKHĐT"),
    (5, "Sở Tài chính", "STC"),
    (6, "Sở Công Thương", "SCT"),
    (7, "Sở Giao thông vận tải", "SGTVT"),
    (8, "Sở Nông nghiệp và Phát triển nông thôn", "SNN"),
    (9, "Sở Xây dựng", "SXD"),
    (10, "Sở Tài nguyên và Môi trường", "STNMT"),
    (11, "Sở Thông tin và Truyền thông", "STTTT"),
    (12, "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    (13, "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    (14, "Sở Khoa học và Công nghệ", "SKHCN"),
    (15, "Sở Giáo dục và Đào tạo", "SGDĐT"),
    (16, "Sở Y tế", "SYT"),
    (17, "Thanh tra tỉnh", "TTT"),
    (18, "Sở Ngoại vụ", "SNGV"),
    (19, "Ban Dân tộc", "BDT"),
    (20, "Ban Quản lý Khu kinh tế", "BQLKKT"),
)

# Centrally run (ngành dọc) agencies in the province.
VERTICAL: tuple[tuple[int, str, str], ...] = (
    (31, "Công an tỉnh", "CA"),
    (32, "Cục Thuế tỉnh", "CT"),
    (33, "Bảo hiểm xã hội tỉnh", "BHXH"),
)

# Specialised offices of a district People's Committee (the seed: 12 or 13 per district).
DISTRICT_OFFICES: tuple[tuple[int, str], ...] = (
    (2, "Phòng Tư pháp"),
    (3, "Phòng Tài nguyên và Môi trường"),
    (4, "Phòng Lao động - Thương binh và Xã hội"),
    (5, "Phòng Kinh tế và Hạ tầng"),
    (6, "Phòng Văn hóa và Thông tin"),
    (7, "Phòng Giáo dục và Đào tạo"),
    (8, "Phòng Nội vụ"),
    (9, "Phòng Tài chính - Kế hoạch"),
    (10, "Phòng Nông nghiệp và Phát triển nông thôn"),
    (11, "Phòng Y tế"),
    (12, "Thanh tra huyện"),
    (13, "Văn phòng HĐND và UBND"),
)


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    short_name: str
    kind: str
    level: int
    unit_code: str
    parent_code: str = ""
    receives_dossiers: bool = False


# Z1Z2 numbers under a district: 01 its desk, 02–13 its offices, communes from 21 on.
FIRST_COMMUNE_Z = 21


def code(v: int, z: int, y: int) -> str:
    if not (0 <= v <= 999 and 0 <= z <= 99 and 0 <= y <= 99):
        raise ValueError(f"mã định danh ngoài khuôn dạng: {v}.{z}.{y}")
    return f"{v:03d}.{z:02d}.{y:02d}.{PROVINCE_GROUP}"


def agency_rows(
    province_code: str, districts: list[tuple[str, str, list[tuple[str, str]]]]
) -> list[AgencyRow]:
    """All agencies of the demo province. ``districts``: (code, name, [(commune code, name)])."""
    rows = [
        AgencyRow(
            code(0, 0, 0), "Ủy ban nhân dân tỉnh Bình Phước", "UBND tỉnh", "ubnd", 1, province_code
        ),
        AgencyRow(
            code(0, 1, 1),
            "Trung tâm Phục vụ hành chính công tỉnh Bình Phước",
            "TTPVHCC",
            "trung_tam",
            1,
            province_code,
            code(0, 0, 1),
            True,
        ),
    ]
    for n, name, short in DEPARTMENTS:
        rows.append(
            AgencyRow(code(0, 0, n), name, short, "so_nganh", 1, province_code, code(0, 0, 0))
        )
    for n, name, short in VERTICAL:
        rows.append(AgencyRow(code(0, 0, n), name, short, "nganh_doc", 1, province_code))
    for i, (d_code, d_name, communes) in enumerate(districts, start=1):
        y = 40 + i
        committee = code(0, 0, y)
        rows.append(
            AgencyRow(committee, f"Ủy ban nhân dân {d_name}", f"UBND {d_name}", "ubnd", 2, d_code)
        )
        rows.append(
            AgencyRow(
                code(0, 1, y),
                f"Bộ phận Một cửa {d_name}",
                f"Một cửa {d_name}",
                "mot_cua",
                2,
                d_code,
                committee,
                True,
            )
        )
        for z, office in DISTRICT_OFFICES:
            rows.append(
                AgencyRow(
                    code(0, z, y), f"{office} {d_name}", office, "phong", 2, d_code, committee
                )
            )
        for j, (c_code, c_name) in enumerate(communes):
            z = FIRST_COMMUNE_Z + j
            c_committee = code(0, z, y)
            rows.append(
                AgencyRow(
                    c_committee,
                    f"Ủy ban nhân dân {c_name}, {d_name}",
                    f"UBND {c_name}",
                    "ubnd",
                    3,
                    c_code,
                    committee,
                )
            )
            rows.append(
                AgencyRow(
                    code(1, z, y),
                    f"Bộ phận Một cửa {c_name}, {d_name}",
                    f"Một cửa {c_name}",
                    "mot_cua",
                    3,
                    c_code,
                    c_committee,
                    True,
                )
            )
    return rows
