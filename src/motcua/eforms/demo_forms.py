"""Application forms of the demo catalog: the forms of the procedures people file most at a
commune, district and provincial desk, after the forms of the circulars that prescribe them.
Each entry names the demo procedure (by its exact name) it belongs to; ``demo.py`` attaches it."""

from __future__ import annotations

from typing import Any

F = dict[str, Any]

GENDER = [["nam", "Nam"], ["nu", "Nữ"]]
YES_NO = [["co", "Có"], ["khong", "Không"]]
NAME_RULE = {
    "pattern": r"[^\d<>{}]+",
    "pattern_message": "Họ, chữ đệm và tên không chứa chữ số hoặc ký hiệu.",
    "max_length": 100,
}


def text(name: str, label: str, *, required: bool = False, **extra: Any) -> F:
    f: F = {"name": name, "type": "text", "label": label, **extra}
    if required:
        f["required"] = True
    return f


def person_name(name: str, label: str, *, required: bool = True, **extra: Any) -> F:
    return text(name, label, required=required, **NAME_RULE, **extra)


def date(name: str, label: str, *, required: bool = False, **extra: Any) -> F:
    f: F = {"name": name, "type": "date", "label": label, **extra}
    if required:
        f["required"] = True
    return f


def choice(name: str, label: str, choices: list[list[str]], **extra: Any) -> F:
    return {"name": name, "type": "choice", "label": label, "choices": choices, **extra}


def number(name: str, label: str, **extra: Any) -> F:
    return {"name": name, "type": "number", "label": label, **extra}


def id_number(name: str, label: str = "Số định danh cá nhân", **extra: Any) -> F:
    return {"name": name, "type": "id_number", "label": label, **extra}


def address(name: str, label: str, **extra: Any) -> F:
    return {"name": name, "type": "address", "label": label, **extra}


def section(title: str, *fields: F, help: str = "") -> F:
    s: F = {"title": title, "fields": list(fields)}
    if help:
        s["help"] = help
    return s


def form(title: str, code: str, *sections: F, rules: list[F] | None = None) -> F:
    d: F = {"version": 1, "title": title, "form_code": code, "sections": list(sections)}
    if rules:
        d["rules"] = rules
    return d


def when(field: str, value: str) -> F:
    return {"field": field, "op": "eq", "value": value}


def before(left: str, right: str, message: str) -> F:
    return {"left": left, "op": "le", "right": right, "message": message}


# ---- the forms ------------------------------------------------------------------------------

JUDICIAL_RECORD = form(
    "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
    "Mẫu số 03/2013/TT-LLTP",
    section(
        "Thông tin người yêu cầu cấp Phiếu",
        person_name("full_name", "Họ và tên"),
        text("other_names", "Tên gọi khác", max_length=100),
        choice("gender", "Giới tính", GENDER, required=True),
        date("birth_date", "Ngày, tháng, năm sinh", required=True, max="today"),
        text("birth_place", "Nơi sinh", required=True, max_length=200),
        text("nationality", "Quốc tịch", required=True, max_length=60),
        text("ethnicity", "Dân tộc", max_length=40),
        id_number("id_no", required=True),
        address("permanent", "Nơi thường trú", required=True),
        address("temporary", "Nơi tạm trú"),
        text(
            "phone",
            "Điện thoại",
            max_length=15,
            pattern=r"[0-9 +]{8,15}",
            pattern_message="Điện thoại: 8 đến 15 chữ số.",
        ),
    ),
    section(
        "Thông tin về cha, mẹ, vợ/chồng",
        person_name("father", "Họ và tên cha", required=False),
        person_name("mother", "Họ và tên mẹ", required=False),
        person_name("spouse", "Họ và tên vợ/chồng", required=False),
    ),
    section(
        "Quá trình cư trú, nghề nghiệp, nơi làm việc",
        {
            "name": "residence",
            "type": "group",
            "label": "Quá trình cư trú (từ đủ 14 tuổi)",
            "item_label": "Giai đoạn",
            "min": 1,
            "max": 20,
            "fields": [
                date("from_date", "Từ ngày", required=True),
                date("to_date", "Đến ngày"),
                text("place", "Nơi cư trú", required=True, max_length=200),
                text("job", "Nghề nghiệp, nơi làm việc", max_length=200),
            ],
            "rules": [before("from_date", "to_date", "Từ ngày phải trước đến ngày.")],
        },
        help="Khai từ khi đủ 14 tuổi đến nay, theo thứ tự thời gian.",
    ),
    section(
        "Nội dung yêu cầu",
        choice(
            "purpose",
            "Mục đích yêu cầu cấp Phiếu",
            [
                ["xin_viec", "Xin việc làm"],
                ["xuat_khau_lao_dong", "Xuất khẩu lao động"],
                ["du_hoc", "Du học"],
                ["ket_hon", "Kết hôn"],
                ["khac", "Mục đích khác"],
            ],
            required=True,
        ),
        text(
            "purpose_other",
            "Mục đích khác (ghi rõ)",
            max_length=200,
            visible_if=when("purpose", "khac"),
            required_if=when("purpose", "khac"),
        ),
        number("copies", "Số lượng Phiếu yêu cầu cấp", min=1, max=10, required=True),
        choice(
            "ban_confirmation",
            "Yêu cầu xác nhận về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp",
            YES_NO,
        ),
    ),
)

BIRTH = form(
    "Tờ khai đăng ký khai sinh",
    "Mẫu ban hành kèm Thông tư 04/2020/TT-BTP",
    section(
        "Người yêu cầu",
        person_name("requester", "Họ, chữ đệm, tên người yêu cầu"),
        id_number("requester_id", required=True),
        address("requester_home", "Nơi cư trú", required=True),
        choice(
            "relation",
            "Quan hệ với người được khai sinh",
            [["cha", "Cha"], ["me", "Mẹ"], ["ong_ba", "Ông, bà"], ["khac", "Người thân khác"]],
            required=True,
        ),
    ),
    section(
        "Người được khai sinh",
        person_name("child_name", "Họ, chữ đệm, tên"),
        choice("child_gender", "Giới tính", GENDER, required=True),
        date("child_birth_date", "Ngày, tháng, năm sinh", required=True, max="today"),
        text(
            "child_birth_place",
            "Nơi sinh",
            required=True,
            max_length=200,
            help="Tên cơ sở y tế, hoặc địa chỉ nơi sinh.",
        ),
        text("child_ethnicity", "Dân tộc", required=True, max_length=40),
        text("child_nationality", "Quốc tịch", required=True, max_length=60),
        text("child_hometown", "Quê quán", max_length=200),
    ),
    section(
        "Cha, mẹ",
        person_name("mother_name", "Họ, chữ đệm, tên người mẹ"),
        date("mother_birth_date", "Ngày, tháng, năm sinh của mẹ", required=True, max="today"),
        text("mother_ethnicity", "Dân tộc của mẹ", max_length=40),
        address("mother_home", "Nơi cư trú của mẹ", required=True),
        choice("has_father", "Có thông tin người cha", YES_NO, required=True),
        person_name(
            "father_name",
            "Họ, chữ đệm, tên người cha",
            required=False,
            visible_if=when("has_father", "co"),
            required_if=when("has_father", "co"),
        ),
        date(
            "father_birth_date",
            "Ngày, tháng, năm sinh của cha",
            max="today",
            visible_if=when("has_father", "co"),
            required_if=when("has_father", "co"),
        ),
        address("father_home", "Nơi cư trú của cha", visible_if=when("has_father", "co")),
    ),
    rules=[
        before(
            "mother_birth_date",
            "child_birth_date",
            "Ngày sinh của mẹ phải trước ngày sinh của con.",
        )
    ],
)

MARRIAGE = form(
    "Tờ khai đăng ký kết hôn",
    "Mẫu ban hành kèm Thông tư 04/2020/TT-BTP",
    *[
        section(
            f"Bên {side}",
            person_name(f"{key}_name", "Họ, chữ đệm, tên"),
            date(f"{key}_birth_date", "Ngày, tháng, năm sinh", required=True, max="today"),
            text(f"{key}_ethnicity", "Dân tộc", required=True, max_length=40),
            text(f"{key}_nationality", "Quốc tịch", required=True, max_length=60),
            address(f"{key}_home", "Nơi cư trú", required=True),
            id_number(f"{key}_id", required=True),
            choice(
                f"{key}_times",
                "Kết hôn lần thứ",
                [["1", "Lần đầu"], ["2", "Lần thứ hai trở lên"]],
                required=True,
            ),
        )
        for side, key in (("nữ", "bride"), ("nam", "groom"))
    ],
)

DEATH = form(
    "Tờ khai đăng ký khai tử",
    "Mẫu ban hành kèm Thông tư 04/2020/TT-BTP",
    section(
        "Người đi khai tử",
        person_name("requester", "Họ, chữ đệm, tên"),
        id_number("requester_id", required=True),
        address("requester_home", "Nơi cư trú", required=True),
        text("relation", "Quan hệ với người đã chết", required=True, max_length=60),
    ),
    section(
        "Người đã chết",
        person_name("dead_name", "Họ, chữ đệm, tên"),
        date("dead_birth_date", "Ngày, tháng, năm sinh", required=True, max="today"),
        choice("dead_gender", "Giới tính", GENDER, required=True),
        id_number("dead_id"),
        address("dead_home", "Nơi cư trú cuối cùng", required=True),
        date("death_date", "Ngày chết", required=True, max="today"),
        text("death_place", "Nơi chết", required=True, max_length=200),
        text("death_cause", "Nguyên nhân chết", max_length=200),
        text("death_paper", "Giấy báo tử (số, ngày, cơ quan cấp)", max_length=200),
    ),
    rules=[before("dead_birth_date", "death_date", "Ngày sinh phải trước ngày chết.")],
)

BUSINESS_HOUSEHOLD = form(
    "Giấy đề nghị đăng ký hộ kinh doanh",
    "Phụ lục III-1, Thông tư 01/2021/TT-BKHĐT",
    section(
        "Hộ kinh doanh",
        text(
            "business_name",
            "Tên hộ kinh doanh (ghi bằng chữ in hoa)",
            required=True,
            max_length=150,
            pattern=r"[^a-zđ]+",
            pattern_message="Tên hộ kinh doanh ghi bằng chữ in hoa.",
        ),
        address("office", "Địa chỉ trụ sở hộ kinh doanh", required=True),
        text(
            "phone",
            "Điện thoại",
            max_length=15,
            pattern=r"[0-9 +]{8,15}",
            pattern_message="Điện thoại: 8 đến 15 chữ số.",
        ),
        {
            "name": "trades",
            "type": "group",
            "label": "Ngành, nghề kinh doanh",
            "item_label": "Ngành",
            "min": 1,
            "max": 10,
            "fields": [
                text("trade", "Tên ngành", required=True, max_length=200),
                text(
                    "trade_code",
                    "Mã ngành (VSIC)",
                    max_length=5,
                    pattern=r"\d{4,5}",
                    pattern_message="Mã ngành gồm 4 hoặc 5 chữ số.",
                ),
            ],
        },
        number("capital", "Vốn kinh doanh (đồng)", min=1, max=100_000_000_000_000, required=True),
        number("workers", "Số lượng lao động", min=0, max=1000),
    ),
    section(
        "Chủ hộ kinh doanh",
        person_name("owner_name", "Họ và tên"),
        choice("owner_gender", "Giới tính", GENDER, required=True),
        date("owner_birth_date", "Ngày sinh", required=True, max="today"),
        id_number("owner_id", required=True),
        address("owner_home", "Nơi cư trú", required=True),
        choice("family_business", "Các thành viên hộ gia đình cùng đăng ký", YES_NO, required=True),
    ),
    section(
        "Thành viên hộ gia đình đăng ký hộ kinh doanh",
        {
            "name": "members",
            "type": "group",
            "label": "Thành viên",
            "item_label": "Thành viên",
            "max": 20,
            "visible_if": when("family_business", "co"),
            "required_if": when("family_business", "co"),
            "fields": [
                person_name("name", "Họ và tên"),
                date("birth_date", "Ngày sinh", required=True, max="today"),
                id_number("id_no", required=True),
                text("relation", "Quan hệ với chủ hộ", max_length=60),
            ],
        },
    ),
)


def _residence(kind: str) -> F:
    extra: list[F] = []
    rules: list[F] = []
    if kind == "tạm trú":
        extra = [
            date("stay_from", "Tạm trú từ ngày", required=True),
            date("stay_to", "Đến ngày", required=True),
        ]
        rules = [before("stay_from", "stay_to", "Ngày bắt đầu tạm trú phải trước ngày kết thúc.")]
    return form(
        "Tờ khai thay đổi thông tin cư trú",
        "Mẫu CT01, Thông tư 56/2021/TT-BCA",
        section(
            "Người kê khai",
            person_name("full_name", "Họ, chữ đệm và tên"),
            date("birth_date", "Ngày, tháng, năm sinh", required=True, max="today"),
            choice("gender", "Giới tính", GENDER, required=True),
            id_number("id_no", required=True),
            text("phone", "Số điện thoại liên hệ", max_length=15),
            text(
                "email",
                "Email",
                max_length=100,
                pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+",
                pattern_message="Email không đúng định dạng.",
            ),
        ),
        section(
            f"Nội dung đề nghị đăng ký {kind}",
            address("new_home", f"Địa chỉ đăng ký {kind}", required=True),
            person_name("head_name", "Họ, chữ đệm và tên chủ hộ"),
            text("head_relation", "Quan hệ với chủ hộ", required=True, max_length=60),
            choice(
                "owner_consent",
                "Chủ hộ, chủ sở hữu chỗ ở đồng ý cho đăng ký",
                YES_NO,
                required=True,
            ),
            *extra,
        ),
        section(
            "Những thành viên trong hộ gia đình cùng thay đổi",
            {
                "name": "members",
                "type": "group",
                "label": "Thành viên cùng thay đổi",
                "item_label": "Người",
                "max": 15,
                "fields": [
                    person_name("name", "Họ, chữ đệm và tên"),
                    date("birth_date", "Ngày sinh", required=True, max="today"),
                    choice("gender", "Giới tính", GENDER),
                    id_number("id_no"),
                    text("relation", "Quan hệ với chủ hộ", max_length=60),
                ],
            },
        ),
        rules=rules,
    )


BUILDING_PERMIT = form(
    "Đơn đề nghị cấp giấy phép xây dựng (nhà ở riêng lẻ)",
    "Mẫu số 01, Phụ lục II, Nghị định 15/2021/NĐ-CP",
    section(
        "Chủ đầu tư",
        person_name("owner", "Tên chủ đầu tư (chủ hộ)"),
        id_number("owner_id", required=True),
        address("owner_home", "Địa chỉ liên hệ", required=True),
        text("phone", "Số điện thoại", max_length=15),
    ),
    section(
        "Địa điểm xây dựng",
        text("lot", "Lô đất số", max_length=40),
        number("land_area", "Diện tích lô đất (m²)", min=1, max=100_000, decimals=1, required=True),
        address("site", "Địa điểm xây dựng", required=True),
        text(
            "land_certificate",
            "Giấy chứng nhận quyền sử dụng đất (số, ngày cấp)",
            required=True,
            max_length=200,
        ),
    ),
    section(
        "Nội dung đề nghị cấp phép",
        choice(
            "building_grade",
            "Cấp công trình",
            [["III", "Cấp III"], ["IV", "Cấp IV"]],
            required=True,
        ),
        number(
            "ground_area",
            "Diện tích xây dựng tầng 1 (m²)",
            min=1,
            max=100_000,
            decimals=1,
            required=True,
        ),
        number(
            "floor_area", "Tổng diện tích sàn (m²)", min=1, max=500_000, decimals=1, required=True
        ),
        number("height", "Chiều cao công trình (m)", min=1, max=100, decimals=2, required=True),
        number("floors", "Số tầng", min=1, max=7, required=True),
        choice("has_basement", "Có tầng hầm", YES_NO, required=True),
        number(
            "basement_floors",
            "Số tầng hầm",
            min=1,
            max=3,
            visible_if=when("has_basement", "co"),
            required_if=when("has_basement", "co"),
        ),
        text("designer", "Đơn vị hoặc người thiết kế", max_length=200),
        date("expected_finish", "Dự kiến thời gian hoàn thành"),
    ),
    rules=[
        before(
            "ground_area", "land_area", "Diện tích xây dựng tầng 1 không lớn hơn diện tích lô đất."
        ),
        before("ground_area", "floor_area", "Tổng diện tích sàn không nhỏ hơn diện tích tầng 1."),
    ],
)

VEHICLE = form(
    "Giấy khai đăng ký xe",
    "Mẫu ĐKX, Thông tư 24/2023/TT-BCA",
    section(
        "Chủ xe",
        person_name("owner", "Tên chủ xe"),
        id_number("owner_id", required=True),
        address("owner_home", "Nơi cư trú", required=True),
        text("phone", "Số điện thoại", max_length=15),
    ),
    section(
        "Đặc điểm xe",
        text("brand", "Nhãn hiệu", required=True, max_length=60),
        text("model", "Số loại", required=True, max_length=60),
        text("colour", "Màu sơn", required=True, max_length=40),
        text(
            "engine_no",
            "Số máy",
            required=True,
            max_length=30,
            pattern=r"[A-Z0-9-]{5,30}",
            pattern_message="Số máy: chữ in hoa và chữ số, 5 đến 30 ký tự.",
        ),
        text(
            "chassis_no",
            "Số khung",
            required=True,
            max_length=30,
            pattern=r"[A-Z0-9-]{5,30}",
            pattern_message="Số khung: chữ in hoa và chữ số, 5 đến 30 ký tự.",
        ),
        number("capacity", "Dung tích xi lanh (cm³)", min=1, max=3000, required=True),
        number("year", "Năm sản xuất", min=1950, max=2100),
        choice(
            "origin",
            "Nguồn gốc xe",
            [["trong_nuoc", "Sản xuất, lắp ráp trong nước"], ["nhap_khau", "Nhập khẩu"]],
            required=True,
        ),
        text(
            "import_paper",
            "Tờ khai hàng hóa nhập khẩu (số, ngày)",
            max_length=100,
            visible_if=when("origin", "nhap_khau"),
            required_if=when("origin", "nhap_khau"),
        ),
    ),
)

#: (exact demo procedure name, definition)
DEMO_FORMS: list[tuple[str, F]] = [
    ("Cấp Phiếu lý lịch tư pháp số 1 cho công dân Việt Nam", JUDICIAL_RECORD),
    ("Cấp Phiếu lý lịch tư pháp số 2 cho công dân Việt Nam", JUDICIAL_RECORD),
    ("Đăng ký khai sinh", BIRTH),
    ("Đăng ký kết hôn", MARRIAGE),
    ("Đăng ký khai tử", DEATH),
    ("Cấp Giấy chứng nhận đăng ký hộ kinh doanh đối với hộ gia đình, cá nhân", BUSINESS_HOUSEHOLD),
    ("Đăng ký thường trú", _residence("thường trú")),
    ("Đăng ký tạm trú", _residence("tạm trú")),
    ("Cấp Giấy phép xây dựng nhà ở riêng lẻ đối với hộ gia đình, cá nhân", BUILDING_PERMIT),
    ("Đăng ký xe mô tô, xe gắn máy đối với hộ gia đình, cá nhân", VEHICLE),
]
