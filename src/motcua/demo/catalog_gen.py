"""A demo catalog of the seed's shape: 1,784 procedures (1,446 provincial of which 26
vertical-sector, 244 district of which 6, 94 commune of which 14; 53 inter-level; 1,651 offered
online), with plausible Vietnamese names by field and an internal process for every procedure.

Names are verb × object × qualifier combinations of real procedure vocabularies; the figures are
the seed's, the individual procedures are invented. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from motcua.catalog.services import DocumentSpec, FeeSpec, ProcedureSpec, StepSpec
from motcua.demo.agencies import code as agency_code

SEED_SHAPE = {
    # level: (total, vertical)
    1: (1446, 26),
    2: (244, 6),
    3: (94, 14),
}
INTER_LEVEL = {1: 8, 2: 25, 3: 20}  # 53 in all
ONLINE_TOTAL = 1651

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
FIELDS: tuple[FieldDef, ...] = (
    FieldDef(
        P,
        3,
        "G09-TP01",
        "Công chứng",
        ("Thẻ công chứng viên", "Giấy đăng ký hoạt động Văn phòng công chứng"),
        legal_basis="Luật Công chứng 2014",
    ),
    FieldDef(
        P,
        3,
        "G09-TP02",
        "Luật sư",
        (
            "Giấy đăng ký hoạt động của tổ chức hành nghề luật sư",
            "Giấy đăng ký hoạt động chi nhánh công ty luật nước ngoài",
        ),
        legal_basis="Luật Luật sư 2006, sửa đổi 2012",
    ),
    FieldDef(
        P,
        3,
        "G09-TP03",
        "Lý lịch tư pháp",
        ("Phiếu lý lịch tư pháp số 1", "Phiếu lý lịch tư pháp số 2"),
        verbs=("Cấp",),
        qualifiers=("", " cho công dân Việt Nam", " cho người nước ngoài", " cho cơ quan, tổ chức"),
        limits=(10, 15),
    ),
    FieldDef(
        P,
        3,
        "G09-TP04",
        "Quốc tịch",
        ("Giấy xác nhận có quốc tịch Việt Nam", "Giấy xác nhận là người gốc Việt Nam"),
        verbs=("Cấp", "Cấp lại"),
        limits=(5, 20),
    ),
    FieldDef(
        P,
        3,
        "G09-TP05",
        "Giám định tư pháp",
        ("Thẻ giám định viên tư pháp", "Giấy đăng ký hoạt động Văn phòng giám định tư pháp"),
    ),
    FieldDef(
        P,
        4,
        "G05-KH01",
        "Thành lập và hoạt động doanh nghiệp",
        (
            "Giấy chứng nhận đăng ký doanh nghiệp",
            "Giấy chứng nhận đăng ký hoạt động chi nhánh",
            "Giấy chứng nhận đăng ký địa điểm kinh doanh",
            "Giấy chứng nhận đăng ký hoạt động văn phòng đại diện",
        ),
        limits=(3, 5),
        legal_basis="Luật Doanh nghiệp 2020; Nghị định 01/2021/NĐ-CP",
    ),
    FieldDef(
        P,
        4,
        "G05-KH02",
        "Đầu tư tại Việt Nam",
        ("Giấy chứng nhận đăng ký đầu tư", "Quyết định chấp thuận chủ trương đầu tư"),
        limits=(15, 20, 30),
        legal_basis="Luật Đầu tư 2020; Nghị định 31/2021/NĐ-CP",
    ),
    FieldDef(
        P,
        4,
        "G05-KH03",
        "Thành lập và hoạt động hợp tác xã",
        ("Giấy chứng nhận đăng ký hợp tác xã", "Giấy chứng nhận đăng ký liên hiệp hợp tác xã"),
    ),
    FieldDef(
        P,
        5,
        "G06-TC01",
        "Quản lý giá",
        ("Văn bản đăng ký giá", "Phương án giá"),
        verbs=("Thẩm định", "Điều chỉnh", "Tiếp nhận"),
    ),
    FieldDef(
        P,
        5,
        "G06-TC02",
        "Quản lý công sản",
        (
            "Quyết định giao tài sản công",
            "Quyết định điều chuyển tài sản công",
            "Quyết định thanh lý tài sản công",
        ),
        verbs=("Ban hành", "Điều chỉnh", "Hủy bỏ"),
    ),
    FieldDef(
        P,
        6,
        "G11-CT01",
        "Lưu thông hàng hóa trong nước",
        (
            "Giấy phép kinh doanh bán buôn sản phẩm rượu",
            "Giấy phép bán lẻ sản phẩm thuốc lá",
            "Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
            "Giấy chứng nhận đủ điều kiện thương nhân phân phối xăng dầu",
        ),
        legal_basis="Luật Thương mại 2005; Nghị định 105/2017/NĐ-CP",
    ),
    FieldDef(
        P,
        6,
        "G11-CT02",
        "Hóa chất",
        (
            "Giấy chứng nhận đủ điều kiện sản xuất hóa chất",
            "Giấy chứng nhận đủ điều kiện kinh doanh hóa chất",
        ),
    ),
    FieldDef(
        P, 6, "G11-CT03", "Điện", ("Giấy phép hoạt động điện lực", "Thẻ kiểm tra viên điện lực")
    ),
    FieldDef(
        P,
        6,
        "G11-CT04",
        "An toàn thực phẩm (Công Thương)",
        ("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm do Sở Công Thương quản lý",),
    ),
    FieldDef(
        P,
        7,
        "G12-GT01",
        "Đường bộ",
        (
            "Giấy phép lái xe",
            "Giấy phép kinh doanh vận tải bằng xe ô tô",
            "Phù hiệu xe ô tô kinh doanh vận tải",
            "Giấy phép thi công công trình trên đường bộ đang khai thác",
            "Giấy phép lưu hành xe quá tải trọng",
        ),
        limits=(3, 5, 7, 10),
        legal_basis="Luật Giao thông đường bộ 2008",
    ),
    FieldDef(
        P,
        7,
        "G12-GT02",
        "Đường thủy nội địa",
        (
            "Giấy chứng nhận khả năng chuyên môn thuyền trưởng",
            "Giấy phép hoạt động bến thủy nội địa",
        ),
    ),
    FieldDef(
        P,
        8,
        "G13-NN01",
        "Trồng trọt và bảo vệ thực vật",
        (
            "Giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
            "Giấy chứng nhận đủ điều kiện sản xuất phân bón",
        ),
    ),
    FieldDef(
        P,
        8,
        "G13-NN02",
        "Thú y",
        (
            "Giấy chứng nhận đủ điều kiện vệ sinh thú y",
            "Chứng chỉ hành nghề thú y",
            "Giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn tỉnh",
        ),
    ),
    FieldDef(
        P,
        8,
        "G13-NN03",
        "Lâm nghiệp",
        ("Giấy phép khai thác lâm sản", "Quyết định chuyển mục đích sử dụng rừng"),
    ),
    FieldDef(
        P,
        8,
        "G13-NN04",
        "Thủy lợi",
        ("Giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi",),
    ),
    FieldDef(
        P,
        9,
        "G15-XD01",
        "Hoạt động xây dựng",
        (
            "Giấy phép xây dựng",
            "Chứng chỉ hành nghề hoạt động xây dựng hạng II, III",
            "Chứng chỉ năng lực hoạt động xây dựng hạng II, III",
        ),
        limits=(7, 10, 15, 20, 30),
        legal_basis="Luật Xây dựng 2014, sửa đổi 2020",
    ),
    FieldDef(
        P,
        9,
        "G15-XD02",
        "Quy hoạch xây dựng, kiến trúc",
        ("Giấy phép quy hoạch", "Chứng chỉ hành nghề kiến trúc"),
    ),
    FieldDef(
        P,
        9,
        "G15-XD03",
        "Kinh doanh bất động sản",
        ("Chứng chỉ môi giới bất động sản", "Văn bản cho phép chuyển nhượng dự án bất động sản"),
    ),
    FieldDef(
        P,
        10,
        "G16-TM01",
        "Đất đai",
        (
            "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền "
            "với đất",
            "Quyết định giao đất, cho thuê đất",
            "Quyết định chuyển mục đích sử dụng đất",
        ),
        limits=(10, 15, 20, 30),
        legal_basis="Luật Đất đai 2013; Nghị định 43/2014/NĐ-CP",
    ),
    FieldDef(
        P,
        10,
        "G16-TM02",
        "Môi trường",
        (
            "Giấy phép môi trường",
            "Quyết định phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường",
        ),
        limits=(15, 20, 30),
        legal_basis="Luật Bảo vệ môi trường 2020",
    ),
    FieldDef(
        P,
        10,
        "G16-TM03",
        "Tài nguyên nước",
        (
            "Giấy phép khai thác nước dưới đất",
            "Giấy phép khai thác, sử dụng nước mặt",
            "Giấy phép xả nước thải vào nguồn nước",
        ),
    ),
    FieldDef(
        P,
        10,
        "G16-TM04",
        "Khoáng sản",
        (
            "Giấy phép thăm dò khoáng sản",
            "Giấy phép khai thác khoáng sản làm vật liệu xây dựng thông thường",
        ),
    ),
    FieldDef(
        P,
        11,
        "G17-TT01",
        "Xuất bản, in và phát hành",
        (
            "Giấy phép xuất bản tài liệu không kinh doanh",
            "Giấy phép hoạt động in",
            "Giấy xác nhận đăng ký hoạt động phát hành xuất bản phẩm",
        ),
    ),
    FieldDef(
        P, 11, "G17-TT02", "Báo chí", ("Giấy phép xuất bản bản tin", "Giấy phép xuất bản đặc san")
    ),
    FieldDef(
        P,
        12,
        "G18-LĐ01",
        "Việc làm",
        (
            "Giấy phép hoạt động dịch vụ việc làm",
            "Giấy phép lao động cho người lao động nước ngoài",
        ),
        limits=(3, 5, 7),
    ),
    FieldDef(
        P,
        12,
        "G18-LĐ02",
        "Giáo dục nghề nghiệp",
        (
            "Giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
            "Quyết định thành lập trung tâm giáo dục nghề nghiệp tư thục",
        ),
    ),
    FieldDef(
        P,
        12,
        "G18-LĐ03",
        "Người có công",
        ("Giấy chứng nhận thương binh", "Quyết định trợ cấp ưu đãi người có công"),
        verbs=("Cấp", "Cấp lại", "Điều chỉnh", "Giải quyết", "Thôi hưởng"),
    ),
    FieldDef(
        P,
        12,
        "G18-LĐ04",
        "Bảo trợ xã hội (cấp tỉnh)",
        (
            "Giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội",
            "Giấy phép hoạt động cơ sở trợ giúp xã hội",
        ),
    ),
    FieldDef(
        P,
        13,
        "G19-VH01",
        "Du lịch",
        (
            "Giấy phép kinh doanh dịch vụ lữ hành nội địa",
            "Thẻ hướng dẫn viên du lịch nội địa",
            "Quyết định công nhận hạng cơ sở lưu trú du lịch",
        ),
    ),
    FieldDef(
        P,
        13,
        "G19-VH02",
        "Nghệ thuật biểu diễn và văn hóa cơ sở",
        (
            "Văn bản chấp thuận tổ chức biểu diễn nghệ thuật",
            "Giấy phép kinh doanh dịch vụ karaoke",
            "Giấy phép kinh doanh dịch vụ vũ trường",
        ),
    ),
    FieldDef(
        P,
        13,
        "G19-VH03",
        "Thể dục thể thao",
        ("Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",),
    ),
    FieldDef(
        P,
        14,
        "G20-KH01",
        "Hoạt động khoa học và công nghệ",
        (
            "Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
            "Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
        ),
    ),
    FieldDef(
        P,
        14,
        "G20-KH02",
        "An toàn bức xạ và hạt nhân",
        ("Giấy phép tiến hành công việc bức xạ", "Chứng chỉ nhân viên bức xạ"),
    ),
    FieldDef(
        P,
        15,
        "G21-GD01",
        "Giáo dục và đào tạo",
        (
            "Quyết định cho phép hoạt động giáo dục trường trung học phổ thông",
            "Giấy phép thành lập trung tâm ngoại ngữ, tin học",
            "Bản sao văn bằng, chứng chỉ từ sổ gốc",
        ),
    ),
    FieldDef(
        P,
        16,
        "G22-YT01",
        "Khám bệnh, chữa bệnh",
        ("Giấy phép hoạt động khám bệnh, chữa bệnh", "Chứng chỉ hành nghề khám bệnh, chữa bệnh"),
        limits=(10, 15, 20, 30),
        legal_basis="Luật Khám bệnh, chữa bệnh 2009",
    ),
    FieldDef(
        P,
        16,
        "G22-YT02",
        "Dược phẩm",
        ("Chứng chỉ hành nghề dược", "Giấy chứng nhận đủ điều kiện kinh doanh dược"),
    ),
    FieldDef(
        P,
        16,
        "G22-YT03",
        "An toàn thực phẩm và dinh dưỡng",
        ("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm do Sở Y tế quản lý",),
    ),
    FieldDef(
        P,
        2,
        "G04-NV01",
        "Tổ chức phi chính phủ",
        (
            "Quyết định cho phép thành lập hội",
            "Quyết định công nhận điều lệ quỹ xã hội, quỹ từ thiện",
        ),
    ),
    FieldDef(
        P,
        2,
        "G04-NV02",
        "Tín ngưỡng, tôn giáo",
        (
            "Văn bản chấp thuận tổ chức cuộc lễ ngoài cơ sở tôn giáo",
            "Văn bản chấp thuận đăng ký hoạt động tôn giáo",
        ),
    ),
    FieldDef(
        P,
        2,
        "G04-NV03",
        "Thi đua, khen thưởng",
        (
            "Bằng khen của Chủ tịch UBND tỉnh",
            "Danh hiệu Chiến sĩ thi đua cấp tỉnh",
            "Danh hiệu Tập thể lao động xuất sắc",
        ),
        verbs=("Tặng", "Xét tặng", "Công nhận"),
        qualifiers=("", " theo đợt, chuyên đề", " đột xuất", " cho gia đình"),
    ),
    FieldDef(
        P,
        18,
        "G23-NG01",
        "Công tác ngoại vụ",
        (
            "Văn bản cho phép tổ chức hội nghị, hội thảo quốc tế",
            "Văn bản cho phép sử dụng thẻ đi lại của doanh nhân APEC",
        ),
    ),
    FieldDef(
        P,
        19,
        "G24-DT01",
        "Công tác dân tộc",
        ("Quyết định công nhận người có uy tín",),
        verbs=("Ban hành", "Điều chỉnh", "Đưa ra khỏi danh sách"),
    ),
    FieldDef(
        P,
        20,
        "G25-KT01",
        "Quản lý khu kinh tế",
        (
            "Giấy chứng nhận đăng ký đầu tư trong khu kinh tế",
            "Giấy phép xây dựng trong khu kinh tế",
            "Giấy phép lao động trong khu kinh tế",
        ),
    ),
    FieldDef(
        P,
        17,
        "G26-TT01",
        "Giải quyết khiếu nại, tố cáo",
        ("khiếu nại lần đầu", "khiếu nại lần hai", "tố cáo"),
        verbs=("Giải quyết",),
        qualifiers=("", " tại cấp tỉnh"),
        limits=(30,),
    ),
    # vertical sectors (ngành dọc) at the province
    FieldDef(
        P,
        31,
        "G01-CA01",
        "Quản lý vũ khí, vật liệu nổ",
        ("Giấy phép sử dụng vũ khí thô sơ", "Giấy phép sử dụng công cụ hỗ trợ"),
        vertical=True,
    ),
    FieldDef(
        P,
        32,
        "G02-TH01",
        "Quản lý thuế",
        ("Đăng ký thuế", "Hoàn thuế"),
        verbs=("Thực hiện", "Thay đổi thông tin"),
        vertical=True,
    ),
    FieldDef(
        P,
        33,
        "G03-BH01",
        "Bảo hiểm xã hội",
        ("Sổ bảo hiểm xã hội", "Thẻ bảo hiểm y tế"),
        vertical=True,
        limits=(5, 10),
    ),
    # district level (agency = office number of the district People's Committee)
    FieldDef(
        D,
        2,
        "H09-TP01",
        "Hộ tịch (cấp huyện)",
        (
            "khai sinh có yếu tố nước ngoài",
            "kết hôn có yếu tố nước ngoài",
            "khai tử có yếu tố nước ngoài",
            "nhận cha, mẹ, con có yếu tố nước ngoài",
            "thay đổi, cải chính, xác định lại dân tộc",
        ),
        verbs=("Đăng ký", "Đăng ký lại"),
        qualifiers=DISTRICT_Q,
        limits=(3, 5, 10, 15),
        legal_basis="Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
    ),
    FieldDef(
        D,
        2,
        "H09-TP02",
        "Chứng thực (cấp huyện)",
        (
            "bản sao từ bản chính giấy tờ, văn bản do cơ quan nước ngoài cấp",
            "chữ ký người dịch",
            "hợp đồng, giao dịch liên quan đến tài sản là động sản",
        ),
        verbs=("Chứng thực",),
        qualifiers=DISTRICT_Q,
        limits=(1, 2),
    ),
    FieldDef(
        D,
        5,
        "H15-XD01",
        "Xây dựng (cấp huyện)",
        ("Giấy phép xây dựng nhà ở riêng lẻ", "Giấy phép xây dựng công trình tôn giáo, tín ngưỡng"),
        verbs=("Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn"),
        qualifiers=DISTRICT_Q,
        limits=(7, 15, 20),
    ),
    FieldDef(
        D,
        9,
        "H05-KH01",
        "Hộ kinh doanh",
        ("Giấy chứng nhận đăng ký hộ kinh doanh",),
        verbs=(
            "Cấp",
            "Cấp lại",
            "Thay đổi nội dung",
            "Tạm ngừng hoạt động theo",
            "Chấm dứt hoạt động theo",
        ),
        qualifiers=DISTRICT_Q,
        limits=(3,),
    ),
    FieldDef(
        D,
        3,
        "H16-TM01",
        "Đất đai (cấp huyện)",
        (
            "Giấy chứng nhận quyền sử dụng đất cho hộ gia đình, cá nhân",
            "Quyết định chuyển mục đích sử dụng đất của hộ gia đình, cá nhân",
        ),
        verbs=("Cấp", "Cấp đổi", "Cấp lại", "Đính chính", "Thu hồi"),
        qualifiers=DISTRICT_Q,
        limits=(10, 15, 20, 30),
    ),
    FieldDef(
        D,
        4,
        "H18-LĐ01",
        "Bảo trợ xã hội (cấp huyện)",
        ("trợ cấp xã hội hằng tháng", "hỗ trợ chi phí mai táng", "trợ giúp xã hội khẩn cấp"),
        verbs=("Thực hiện", "Điều chỉnh", "Thôi hưởng"),
        qualifiers=DISTRICT_Q,
        limits=(5, 10, 15),
    ),
    FieldDef(
        D,
        7,
        "H21-GD01",
        "Giáo dục (cấp huyện)",
        (
            "cho phép trường mầm non hoạt động giáo dục",
            "cho phép trường tiểu học hoạt động giáo dục",
            "chuyển trường cho học sinh",
        ),
        verbs=("Quyết định", "Giải quyết"),
        qualifiers=DISTRICT_Q,
        limits=(3, 10, 20),
    ),
    FieldDef(
        D,
        6,
        "H19-VH01",
        "Văn hóa (cấp huyện)",
        ("Giấy phép kinh doanh dịch vụ karaoke trên địa bàn huyện", "danh hiệu Khu dân cư văn hóa"),
        verbs=("Cấp", "Công nhận", "Điều chỉnh"),
        qualifiers=DISTRICT_Q,
    ),
    FieldDef(
        D,
        8,
        "H04-NV01",
        "Nội vụ (cấp huyện)",
        ("Giấy khen của Chủ tịch UBND huyện", "thành lập hội có phạm vi hoạt động trong huyện"),
        verbs=("Tặng", "Cho phép", "Công nhận"),
        qualifiers=DISTRICT_Q,
    ),
    FieldDef(
        D,
        10,
        "H13-NN01",
        "Nông nghiệp (cấp huyện)",
        ("kinh tế trang trại", "hỗ trợ khắc phục thiệt hại do thiên tai"),
        verbs=("Xác nhận", "Hỗ trợ", "Công nhận"),
        qualifiers=DISTRICT_Q,
    ),
    FieldDef(
        D,
        11,
        "H22-YT01",
        "Y tế (cấp huyện)",
        ("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm trên địa bàn huyện",),
        verbs=("Cấp", "Cấp lại"),
        qualifiers=DISTRICT_Q,
    ),
    FieldDef(
        D,
        9,
        "H06-TC01",
        "Tài chính (cấp huyện)",
        ("phương án giá cước dịch vụ", "quyết toán vốn dự án hoàn thành"),
        verbs=("Thẩm định", "Phê duyệt"),
        qualifiers=DISTRICT_Q,
    ),
    FieldDef(
        D,
        0,
        "H01-CA01",
        "Đăng ký, quản lý phương tiện (Công an huyện)",
        ("xe mô tô, xe gắn máy", "xe máy chuyên dùng"),
        verbs=("Đăng ký", "Thu hồi đăng ký", "Cấp đổi đăng ký"),
        qualifiers=DISTRICT_Q,
        vertical=True,
        limits=(2, 3),
    ),
    # commune level (agency 0 = the commune People's Committee)
    FieldDef(
        C,
        0,
        "X09-TP01",
        "Hộ tịch",
        (
            "khai sinh",
            "kết hôn",
            "khai tử",
            "nhận cha, mẹ, con",
            "giám hộ",
            "chấm dứt giám hộ",
            "thay đổi, cải chính, bổ sung thông tin hộ tịch",
        ),
        verbs=("Đăng ký", "Đăng ký lại", "Cấp bản sao trích lục"),
        qualifiers=("",),
        limits=(0.5, 1, 3, 5),
        legal_basis="Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
    ),
    FieldDef(
        C,
        0,
        "X09-TP02",
        "Chứng thực",
        (
            "bản sao từ bản chính giấy tờ, văn bản",
            "chữ ký trong các giấy tờ, văn bản",
            "hợp đồng, giao dịch liên quan đến nhà ở",
            "di chúc",
            "văn bản thỏa thuận phân chia di sản",
        ),
        verbs=("Chứng thực", "Sửa lỗi sai sót trong hợp đồng đã"),
        qualifiers=("",),
        limits=(0.5, 1, 2),
    ),
    FieldDef(
        C,
        0,
        "X18-LĐ01",
        "Bảo trợ xã hội",
        ("trợ cấp xã hội hằng tháng tại xã", "hộ nghèo, hộ cận nghèo"),
        verbs=("Xác nhận", "Đề nghị", "Công nhận"),
        qualifiers=("",),
        limits=(1, 3, 5),
    ),
    FieldDef(
        C,
        0,
        "X18-LĐ02",
        "Người có công (cấp xã)",
        ("hồ sơ người có công", "thân nhân liệt sĩ"),
        verbs=("Xác nhận", "Chứng nhận"),
        qualifiers=("",),
        limits=(1, 3, 5),
    ),
    FieldDef(
        C,
        0,
        "X16-TM01",
        "Đất đai (cấp xã)",
        ("tranh chấp đất đai",),
        verbs=("Hòa giải",),
        qualifiers=("",),
        limits=(30,),
    ),
    FieldDef(
        C,
        0,
        "X19-VH01",
        "Văn hóa cơ sở",
        ("danh hiệu Gia đình văn hóa", "lễ hội truyền thống"),
        verbs=("Công nhận", "Đăng ký tổ chức"),
        qualifiers=("",),
        limits=(3, 5),
    ),
    FieldDef(
        C,
        0,
        "X04-NV01",
        "Thi đua, tôn giáo (cấp xã)",
        ("Giấy khen của Chủ tịch UBND xã", "sinh hoạt tôn giáo tập trung"),
        verbs=("Tặng", "Đăng ký"),
        qualifiers=("",),
    ),
    FieldDef(
        C,
        0,
        "X13-NN01",
        "Nông nghiệp (cấp xã)",
        ("hỗ trợ giống cây trồng, vật nuôi",),
        verbs=("Xác nhận", "Đề nghị"),
        qualifiers=("",),
    ),
    FieldDef(
        C,
        0,
        "X21-GD01",
        "Giáo dục (cấp xã)",
        ("nhóm trẻ độc lập", "lớp mẫu giáo độc lập", "cơ sở giáo dục mầm non tư thục"),
        verbs=("Cho phép thành lập", "Cho phép hoạt động", "Sáp nhập, chia tách", "Giải thể"),
        qualifiers=("",),
        limits=(5, 10, 15),
    ),
    FieldDef(
        C,
        0,
        "X09-TP03",
        "Phổ biến, giáo dục pháp luật",
        ("hòa giải viên", "tổ trưởng tổ hòa giải", "tuyên truyền viên pháp luật"),
        verbs=("Công nhận", "Thôi làm", "Thanh toán thù lao cho"),
        qualifiers=("",),
        limits=(3, 5),
    ),
    FieldDef(
        C,
        0,
        "X09-TP04",
        "Nuôi con nuôi (cấp xã)",
        ("việc nuôi con nuôi trong nước",),
        verbs=("Đăng ký", "Đăng ký lại", "Chấm dứt"),
        qualifiers=("",),
        limits=(5, 15),
    ),
    FieldDef(
        C,
        0,
        "X13-NN02",
        "Lâm nghiệp, phòng chống thiên tai (cấp xã)",
        ("nguồn gốc gỗ rừng trồng", "thiệt hại do thiên tai"),
        verbs=("Xác nhận", "Đề nghị hỗ trợ"),
        qualifiers=("",),
        limits=(1, 3, 5),
    ),
    FieldDef(
        C,
        0,
        "X18-LĐ03",
        "Chính sách xã hội (cấp xã)",
        (
            "trợ cấp cho người cao tuổi",
            "trợ giúp người khuyết tật",
            "hỗ trợ chi phí học tập",
            "hỗ trợ mai táng phí",
        ),
        verbs=("Đề nghị", "Xác nhận"),
        qualifiers=("",),
        limits=(3, 5),
    ),
    FieldDef(
        C,
        0,
        "X01-CA01",
        "Đăng ký, quản lý cư trú (Công an xã)",
        ("thường trú", "tạm trú", "lưu trú", "tạm vắng"),
        verbs=("Đăng ký", "Xóa đăng ký", "Điều chỉnh thông tin về"),
        qualifiers=("",),
        vertical=True,
        limits=(1, 3, 7),
    ),
    FieldDef(
        C,
        0,
        "X01-CA02",
        "Cấp, quản lý căn cước (Công an xã)",
        ("thẻ căn cước",),
        verbs=("Cấp", "Cấp đổi", "Cấp lại"),
        qualifiers=("",),
        vertical=True,
        limits=(7,),
    ),
)

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


def _names(fd: FieldDef) -> list[str]:
    return [f"{verb} {obj}{q}" for obj in fd.objects for verb in fd.verbs for q in fd.qualifiers]


def _split(total: Decimal, weights: list[int]) -> list[Decimal]:
    """Split ``total`` days into budgets of 0.05-day units, each ≥ one unit, summing exactly."""
    units = int(total * 20)
    n = len(weights)
    alloc = [max(1, units * w // sum(weights)) for w in weights]
    alloc[-1] = units - sum(alloc[:-1])
    while alloc[-1] < 1:
        i = max(range(n - 1), key=lambda k: alloc[k])
        alloc[i] -= 1
        alloc[-1] += 1
    return [Decimal(a) / 20 for a in alloc]


def _steps(level: int, limit: Decimal, inter: bool, rng: random.Random) -> list[StepSpec]:
    if inter:
        upper: int | None = level - 1 if level > 1 else None
        where = {None: "cơ quan phối hợp", 1: "cấp tỉnh", 2: "cấp huyện"}[upper]
        plan = [
            ("Tiếp nhận hồ sơ, chuyển xử lý", "tiep_nhan", None, 1),
            ("Thẩm định, xác nhận của cơ quan tiếp nhận", "chuyen_vien", None, 3),
            (f"Chuyển liên thông, giải quyết tại {where}", "lien_thong", upper, 6),
            ("Lãnh đạo phê duyệt, ký kết quả", "lanh_dao", upper, 2),
            ("Trả kết quả", "tra_ket_qua", None, 1),
        ]
    elif limit <= 1:
        plan = [
            ("Tiếp nhận hồ sơ", "tiep_nhan", None, 1),
            ("Xử lý hồ sơ", "chuyen_vien", None, 3),
            ("Lãnh đạo ký", "lanh_dao", None, 1),
            ("Trả kết quả", "tra_ket_qua", None, 1),
        ]
    else:
        plan = [
            ("Tiếp nhận hồ sơ, chuyển phòng chuyên môn", "tiep_nhan", None, 1),
            (
                "Chuyên viên thẩm định, dự thảo kết quả",
                "chuyen_vien",
                None,
                rng.choice((8, 10, 12)),
            ),
            ("Lãnh đạo phòng xem xét", "lanh_dao_phong", None, 2),
            ("Lãnh đạo cơ quan phê duyệt, ký", "lanh_dao", None, 2),
            ("Trả kết quả", "tra_ket_qua", None, 1),
        ]
    weights = [w for *_, w in plan]
    if limit >= 2:  # the desk's own steps take half a day each; the rest is the agency's
        budgets = [Decimal("0.5"), *_split(limit - 1, weights[1:-1]), Decimal("0.5")]
    else:
        budgets = _split(limit, weights)
    return [
        StepSpec(name, role, b, "", lvl)
        for (name, role, lvl, _), b in zip(plan, budgets, strict=True)
    ]


def _pick(
    rng: random.Random, pool: list[tuple[FieldDef, str]], n: int
) -> list[tuple[FieldDef, str]]:
    if n > len(pool):
        raise ValueError(f"demo catalog: need {n} names, have {len(pool)}")
    # spread over fields: round-robin over fields in shuffled order
    by_field: dict[str, list[tuple[FieldDef, str]]] = {}
    for item in pool:
        by_field.setdefault(item[0].code, []).append(item)
    for items in by_field.values():
        rng.shuffle(items)
    out: list[tuple[FieldDef, str]] = []
    keys = sorted(by_field)
    while len(out) < n:
        for k in keys:
            if by_field[k] and len(out) < n:
                out.append(by_field[k].pop())
    return out


def demo_catalog(seed: int = 2022) -> list[ProcedureSpec]:
    rng = random.Random(seed)
    chosen: list[tuple[int, FieldDef, str]] = []
    for level, (total, vertical) in SEED_SHAPE.items():
        vert_pool = [(f, n) for f in FIELDS if f.level == level and f.vertical for n in _names(f)]
        main_pool = [
            (f, n) for f in FIELDS if f.level == level and not f.vertical for n in _names(f)
        ]
        for f, n in _pick(rng, vert_pool, vertical) + _pick(rng, main_pool, total - vertical):
            chosen.append((level, f, n))
    # which are inter-level and which are offered online (exact seed counts)
    inter: set[int] = set()
    for level, k in INTER_LEVEL.items():
        idx = [
            i
            for i, (lv, f, _) in enumerate(chosen)
            if lv == level and not f.vertical and (level > 1 or f.agency in (10, 9, 12))
        ]
        inter.update(rng.sample(idx, k))
    offline = set(rng.sample(range(len(chosen)), len(chosen) - ONLINE_TOTAL))

    specs = []
    serial = 0
    for i, (level, f, name) in enumerate(chosen):
        serial += rng.randint(1, 37)
        code = f"{rng.choice((1, 2))}.{serial + 1000:06d}"
        limit = Decimal(str(rng.choice(f.limits)))
        if i in inter and limit < 5:
            limit = Decimal(5)
        if i in offline:
            online, legacy = "khong", 2
        elif rng.random() < 0.45:
            online, legacy = "toan_trinh", 4
        else:
            online, legacy = "mot_phan", 3
        if level == 1:
            agency = agency_code(0, 0, f.agency)
            agency_text = ""
        else:
            agency = ""
            agency_text = ("UBND cấp huyện" if level == 2 else "UBND cấp xã") + (
                "" if f.agency == 0 else f" ({f.name})"
            )
        docs = [DocumentSpec("Đơn đề nghị (theo mẫu)", 1, 0)] + [
            DocumentSpec(d, rng.choice((0, 1)), 1, rng.random() < 0.85)
            for d in rng.sample(DOCUMENTS, rng.randint(1, 4))
        ]
        fees = []
        if rng.random() < 0.55:
            fees.append(FeeSpec("Lệ phí", rng.choice(FEE_AMOUNTS)))
            if rng.random() < 0.3:
                fees.append(FeeSpec("Phí thẩm định", rng.choice(FEE_AMOUNTS)))
        valid_from = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 3 * 365 + 150))
        specs.append(
            ProcedureSpec(
                code=code,
                name=name[0].upper() + name[1:],
                field_code=f.code,
                field_name=f.name,
                level=level,
                agency_code=agency,
                agency_text=agency_text,
                local_code=f"{code}.{agency_code(0, 0, 0)}",
                time_limit_days=limit,
                result=("Kết quả giải quyết: " + name.split(" ", 1)[1])[:500],
                result_kind=rng.choice(("giay", "ca_hai", "ca_hai", "dien_tu")),
                online_service=online,
                legacy_online_level=legacy,
                is_inter_level=i in inter,
                is_vertical=f.vertical,
                legal_basis=f.legal_basis or f"Quyết định công bố TTHC lĩnh vực {f.name}",
                status="published",
                valid_from=valid_from,
                decision=f"{rng.randint(100, 2999)}/QĐ-UBND ngày {valid_from:%d/%m/%Y}",
                documents=docs,
                fees=fees,
                steps=_steps(level, limit, i in inter, rng),
            )
        )
    return specs
