"""The vocabulary of the demo catalog: what a field is (``FieldDef``: its level and agency, the
objects of its procedures, verbs and qualifiers from real procedure vocabularies), documents and
fee amounts. The fields themselves, by level: ``catalog_province``, ``catalog_district``,
``catalog_commune``; ``catalog_gen`` combines them into the seed-shaped catalog."""

from __future__ import annotations

from dataclasses import dataclass

LICENCE_VERBS = (
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Điều chỉnh",
    "Gia hạn",
    "Thu hồi",
    "Cấp bổ sung nội dung",
    "Đính chính",
    "Xác nhận thay đổi nội dung",
    "Chấm dứt hiệu lực",
    "Cấp bản sao",
    "Tạm ngừng hiệu lực",
)
QUALIFIERS = ("", " đối với tổ chức", " đối với cá nhân", " trường hợp bị mất, hỏng")
DISTRICT_Q = ("", " đối với hộ gia đình, cá nhân", " đối với tổ chức", " trường hợp bị mất, hỏng")


@dataclass(frozen=True)
class FieldDef:
    level: int
    agency: int  # provincial department no.; district office no.; 0 = the committee itself
    code: str
    name: str
    objects: tuple[str, ...]
    verbs: tuple[str, ...] = LICENCE_VERBS
    qualifiers: tuple[str, ...] = QUALIFIERS
    vertical: bool = False
    limits: tuple[float, ...] = (3, 5, 7, 10, 15, 20)
    legal_basis: str = ""


P, D, C = 1, 2, 3

DOCUMENTS = (
    "Bản sao Căn cước công dân của người đề nghị",
    "Giấy ủy quyền (trường hợp nộp thay)",
    "Bản sao giấy tờ chứng minh nơi cư trú",
    "Bản vẽ, sơ đồ vị trí",
    "Báo cáo kết quả thực hiện",
    "Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
    "Văn bản thẩm định của cơ quan chuyên môn",
    "Danh sách kèm theo (theo mẫu)",
    "Bản sao văn bằng, chứng chỉ chuyên môn",
    "Giấy khám sức khỏe",
)
FEE_AMOUNTS = (10_000, 20_000, 30_000, 50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000)
