"""The demo province's 2022 reform plan, taken from the seed report (6 tháng đầu năm 2022, Bình
Phước): tasks in the six areas, the half-year's legal-document counts, a few indicators and the
areas' narrative text. The one-stop figures are not here: the report takes them from the
dossiers. Idempotent: a second run finds the plan and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from motcua.reform import plan_services as services
from motcua.reform.models import (
    Area,
    Indicator,
    LegalDocKind,
    ReformPlan,
    TaskStatus,
)
from motcua.units.models import AdministrativeUnit, Agency, Level

VN = dt.timezone(dt.timedelta(hours=7))
H1 = (dt.date(2022, 1, 1), dt.date(2022, 6, 30))
SOURCE = "Báo cáo kết quả CCHC 6 tháng đầu năm 2022 tỉnh Bình Phước"

# (area, title, agency short name, deadline, status, completed on, note)
TASKS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        Area.INSTITUTIONS,
        "Hoàn thiện hệ thống văn bản quy phạm pháp luật ngành nội vụ giai đoạn "
        "2022 - 2025, định hướng đến năm 2030",
        "SNV",
        "2022-12-31",
        TaskStatus.IN_PROGRESS,
        "",
        "Đã rà soát văn bản ngành nội vụ, đang tổng hợp danh mục cần sửa đổi.",
    ),
    (
        Area.INSTITUTIONS,
        "Theo dõi thi hành pháp luật và quản lý công tác thi hành pháp luật về xử "
        "lý vi phạm hành chính năm 2022 (Kế hoạch số 10/KH-UBND ngày 13/01/2022)",
        "STP",
        "2022-12-15",
        TaskStatus.IN_PROGRESS,
        "",
        "Đang theo dõi, kiểm tra theo kế hoạch.",
    ),
    (
        Area.INSTITUTIONS,
        "Kiểm tra tình hình thi hành pháp luật về xử lý vi phạm hành chính trong "
        "lĩnh vực bảo hiểm (Kế hoạch số 135/KH-UBND ngày 10/5/2022)",
        "STP",
        "2022-09-30",
        TaskStatus.NOT_STARTED,
        "",
        "",
    ),
    (
        Area.PROCEDURES,
        "Đánh giá việc giải quyết TTHC theo cơ chế một cửa, một cửa liên thông; rà "
        "soát, đơn giản hóa TTHC năm 2022 (Kế hoạch số 73/KH-UBND ngày 17/3/2022)",
        "VP UBND",
        "2022-11-30",
        TaskStatus.IN_PROGRESS,
        "",
        "Các sở, ngành đang tự đánh giá.",
    ),
    (
        Area.PROCEDURES,
        "Chiến dịch cao điểm 92 ngày đêm nâng cao hiệu quả cung cấp, sử dụng dịch vụ "
        "công trực tuyến (Kế hoạch số 170/KH-UBND ngày 01/6/2022)",
        "STTTT",
        "2022-09-02",
        TaskStatus.IN_PROGRESS,
        "",
        "Chiến dịch bắt đầu từ ngày 01/6/2022.",
    ),
    (
        Area.PROCEDURES,
        "Công bố danh mục TTHC sửa đổi, bổ sung, thay thế, bãi bỏ và quy trình nội "
        "bộ giải quyết TTHC",
        "VP UBND",
        "2022-06-15",
        TaskStatus.DONE,
        "2022-06-10",
        "Đã ban hành 09 Quyết định công bố.",
    ),
    (
        Area.PROCEDURES,
        "Số hóa hồ sơ, kết quả giải quyết TTHC mức độ 2 tại Bộ phận Một cửa các cấp",
        "VP UBND",
        "2022-05-31",
        TaskStatus.IN_PROGRESS,
        "",
        "Tỷ lệ số hóa hồ sơ mức độ 2 còn hạn chế; kết quả điện tử đạt khoảng 20%.",
    ),
    (
        Area.ORGANISATION,
        "Ban hành Quyết định quy định chức năng, nhiệm vụ, quyền hạn, cơ cấu tổ "
        "chức của các cơ quan chuyên môn thuộc UBND tỉnh",
        "SNV",
        "2022-03-31",
        TaskStatus.DONE,
        "2022-03-25",
        "17 cơ quan chuyên môn cấp tỉnh đã có Quyết định.",
    ),
    (
        Area.ORGANISATION,
        "Sắp xếp, kiện toàn tổ chức bộ máy các cơ quan, đơn vị (Công văn số "
        "637/UBND-NC và 975/UBND-NC)",
        "SNV",
        "2022-10-31",
        TaskStatus.IN_PROGRESS,
        "",
        "Chờ Ban Thường vụ Tỉnh ủy ban hành Quyết định điều chỉnh.",
    ),
    (
        Area.CIVIL_SERVICE,
        "Xây dựng Đề án vị trí việc làm và định mức biên chế công chức, số lượng "
        "người làm việc (Công văn số 832/UBND-NC ngày 19/4/2022)",
        "SNV",
        "2022-09-30",
        TaskStatus.IN_PROGRESS,
        "",
        "Các cơ quan có Thông tư hướng dẫn đang xây dựng Đề án.",
    ),
    (
        Area.PUBLIC_FINANCE,
        "Kê khai lần đầu, kê khai bổ sung tài sản công vào Cơ sở dữ liệu quốc gia về tài sản công",
        "STC",
        "2022-06-30",
        TaskStatus.IN_PROGRESS,
        "",
        "Đang tổng hợp báo cáo kê khai của các cơ quan, đơn vị.",
    ),
    (
        Area.PUBLIC_FINANCE,
        "Giải ngân vốn đầu tư công năm 2022",
        "SKHĐT",
        "2022-12-31",
        TaskStatus.IN_PROGRESS,
        "",
        "Lũy kế giải ngân 6 tháng đạt 18% kế hoạch.",
    ),
    (
        Area.DIGITAL,
        "Kết nối Trung tâm IOC cấp huyện (Đồng Xoài, Phước Long, Bình Long) với Trung tâm IOC tỉnh",
        "STTTT",
        "2022-06-30",
        TaskStatus.DONE,
        "2022-05-20",
        "03 Trung tâm IOC cấp huyện đã kết nối.",
    ),
    (
        Area.DIGITAL,
        "Tích hợp dịch vụ công trực tuyến mức độ 3, 4 lên Cổng dịch vụ công quốc gia",
        "STTTT",
        "2022-12-31",
        TaskStatus.IN_PROGRESS,
        "",
        "1.437 dịch vụ công đã kết nối.",
    ),
    (
        Area.DIGITAL,
        "Triển khai dịch vụ chứng thực điện tử tại cấp huyện, cấp xã",
        "STP",
        "2022-04-30",
        TaskStatus.DONE,
        "2022-04-28",
        "Đã triển khai tại tất cả cấp huyện, cấp xã.",
    ),
)

LEGAL = (
    (LegalDocKind.DECISIONS, 15, ""),
    (LegalDocKind.RESOLUTIONS, 3, ""),
    (LegalDocKind.COMMENTED, 154, ""),
    (LegalDocKind.APPRAISED, 18, "07 Nghị quyết; 11 Quyết định"),
    (LegalDocKind.PROCEDURE_DECISIONS, 9, "482 TTHC sửa đổi, bổ sung; 36 bãi bỏ; 01 thay thế"),
)

# (code, name, area, kind, measure, H1-2022 value)
INDICATORS = (
    (
        "thu-nsnn",
        "Thu ngân sách nhà nước trên địa bàn",
        Area.PUBLIC_FINANCE,
        Indicator.Kind.DECIMAL,
        "tỷ đồng",
        "7250",
    ),
    (
        "thu-nsnn-dt-btc",
        "Thu NSNN so với dự toán Bộ Tài chính giao",
        Area.PUBLIC_FINANCE,
        Indicator.Kind.PERCENT,
        "%",
        "60",
    ),
    (
        "thu-nsnn-dt-hdnd",
        "Thu NSNN so với dự toán HĐND tỉnh thông qua",
        Area.PUBLIC_FINANCE,
        Indicator.Kind.PERCENT,
        "%",
        "55",
    ),
    (
        "von-dtc-giao",
        "Vốn đầu tư công giao cho dự án do địa phương quản lý",
        Area.PUBLIC_FINANCE,
        Indicator.Kind.DECIMAL,
        "triệu đồng",
        "7717215",
    ),
    (
        "von-dtc-giai-ngan",
        "Lũy kế giải ngân vốn đầu tư công",
        Area.PUBLIC_FINANCE,
        Indicator.Kind.PERCENT,
        "%",
        "18",
    ),
    (
        "cq-chuc-nang",
        "Cơ quan chuyên môn cấp tỉnh có Quyết định quy định chức năng, nhiệm vụ",
        Area.ORGANISATION,
        Indicator.Kind.INTEGER,
        "cơ quan",
        "17",
    ),
    (
        "ioc-huyen",
        "Trung tâm IOC cấp huyện đã kết nối",
        Area.DIGITAL,
        Indicator.Kind.INTEGER,
        "trung tâm",
        "3",
    ),
    (
        "camera-vpcp",
        "Camera chia sẻ dữ liệu với Trung tâm thông tin chỉ đạo điều hành Chính phủ",
        Area.DIGITAL,
        Indicator.Kind.INTEGER,
        "camera",
        "19",
    ),
)

NARRATIVES = {
    Area.INSTITUTIONS: (
        "Ủy ban nhân dân tỉnh thuận chủ trương cho Sở Nội vụ, Sở Ngoại vụ, Sở Tài chính, Văn phòng "
        "Ủy ban nhân dân tỉnh tham mưu xây dựng các văn bản quy phạm pháp luật liên quan lĩnh vực "
        "ngành quản lý; chỉ đạo Sở Nội vụ hoàn thiện hệ thống văn bản quy phạm pháp luật ngành nội "
        "vụ giai đoạn 2022 - 2025, định hướng đến năm 2030."
    ),
    Area.PROCEDURES: (
        "Ủy ban nhân dân tỉnh đã ban hành Kế hoạch số 73/KH-UBND ngày 17/3/2022 về việc đánh giá "
        "việc giải quyết TTHC theo cơ chế một cửa, một cửa liên thông và rà soát đơn giản hóa "
        "TTHC, chuẩn hóa nâng cấp dịch vụ công năm 2022; Kế hoạch số 170/KH-UBND ngày 01/6/2022 "
        "triển khai chiến dịch cao điểm 92 ngày đêm nâng cao hiệu quả cung cấp, sử dụng dịch vụ "
        "công trực tuyến.\n"
        "## Tình hình tổ chức và hoạt động của Bộ phận Một cửa các cấp\n"
        "11/11 huyện, thị xã, thành phố và 111/111 xã, phường, thị trấn có Bộ phận Một cửa; các "
        "TTHC cấp huyện và cấp xã được tiếp nhận và trả kết quả tại Bộ phận Một cửa và được niêm "
        "yết công khai theo quy định."
    ),
    Area.ORGANISATION: (
        "Ủy ban nhân dân tỉnh đã ban hành Công văn số 637/UBND-NC ngày 25/3/2022 và Công văn số "
        "975/UBND-NC ngày 4/5/2022 chỉ đạo triển khai việc sắp xếp, kiện toàn tổ chức bộ máy các "
        "cơ quan, đơn vị. Đối với cấp huyện, 05/11 huyện, thị xã, thành phố có 12 phòng chuyên môn "
        "và 06/11 huyện có 13 phòng chuyên môn do thành lập thêm Phòng Dân tộc."
    ),
    Area.CIVIL_SERVICE: (
        "Thực hiện Nghị định số 62/2020/NĐ-CP và Nghị định số 106/2020/NĐ-CP, Ủy ban nhân dân tỉnh "
        "đã ban hành Công văn số 832/UBND-NC ngày 19/4/2022 chỉ đạo các cơ quan, đơn vị xây dựng "
        "Đề án vị trí việc làm; các cơ quan đã có Thông tư hướng dẫn phải hoàn thành trước ngày "
        "30/9/2022."
    ),
    Area.PUBLIC_FINANCE: (
        "## Thực hiện các quy định về quản lý tài chính - ngân sách tại địa phương\n"
        "Trong kỳ, tỉnh không có các kiến nghị sau thanh tra, kiểm tra, kiểm toán nhà nước về tài "
        "chính, ngân sách.\n"
        "## Kết quả thực hiện quy định về quản lý, sử dụng tài sản công\n"
        "Hội đồng nhân dân tỉnh ban hành 04 Nghị quyết, Ủy ban nhân dân tỉnh ban hành 03 Quyết "
        "định lĩnh vực tài chính; các cơ quan, đơn vị báo cáo kê khai tài sản công để cập nhật Cơ "
        "sở dữ liệu Quốc gia về tài sản công."
    ),
    Area.DIGITAL: (
        "## Xây dựng, phát triển đô thị thông minh\n"
        "Trung tâm IOC tỉnh và 03 Trung tâm IOC cấp huyện (thành phố Đồng Xoài, thị xã Phước Long "
        "và thị xã Bình Long) đã kết nối, giám sát các cơ sở dữ liệu phục vụ chỉ đạo điều hành; "
        "thực hiện kết nối chia sẻ dữ liệu 19 Camera tại Trung tâm Hành chính công tỉnh với Trung "
        "tâm thông tin chỉ đạo điều hành Chính phủ."
    ),
}


def _province() -> AdministrativeUnit | None:
    # the demo's 2022 province (merged into Đồng Nai on 1/7/2025, so it has a valid_to)
    return AdministrativeUnit.objects.filter(
        level=Level.PROVINCE, code="70", valid_from__isnull=True
    ).first()


def _agency(province: AdministrativeUnit, short: str) -> Agency | None:
    qs = Agency.objects.filter(unit=province)
    return (
        qs.filter(short_name=short).first()
        or qs.filter(kind="ubnd").order_by("code").first()
        or qs.order_by("code").first()
    )


@transaction.atomic
def seed_reform_demo() -> dict[str, Any]:
    """Load the demo plan (nothing happens when the province is missing or has a 2022 plan)."""
    province = _province()
    if province is None:
        return {"plan": None}
    if ReformPlan.objects.filter(unit=province, year=2022).exists():
        return {"plan": "có sẵn"}
    committee = _agency(province, "UBND")
    plan = services.plan_save(
        actor=None,
        unit=province,
        year=2022,
        title="Kế hoạch cải cách hành chính nhà nước năm 2022 tỉnh Bình Phước",
        issued_on=dt.date(2022, 1, 10),
        issuer=committee,
    )
    tasks = 0
    for area, title, short, deadline, status, done_on, note in TASKS:
        agency = _agency(province, short)
        if agency is None:
            continue
        task = services.task_save(
            actor=None,
            plan=plan,
            area=area,
            title=title,
            agency=agency,
            deadline=dt.date.fromisoformat(deadline),
        )
        tasks += 1
        if status == TaskStatus.NOT_STARTED:
            continue
        when = dt.date.fromisoformat(done_on) if done_on else dt.date(2022, 6, 15)
        services.task_progress(
            actor=None,
            task=task,
            status=status,
            progress=100 if status == TaskStatus.DONE else 50,
            text=note,
            version=task.version,
            completed_on=when if status == TaskStatus.DONE else None,
            now=dt.datetime.combine(when, dt.time(16, 0), tzinfo=VN),
        )
    for kind, count, note in LEGAL:
        services.legal_count_save(
            actor=None,
            unit=province,
            period_from=H1[0],
            period_to=H1[1],
            kind=kind,
            count=count,
            note=note,
        )
    at = dt.datetime(2022, 7, 5, 9, 0, tzinfo=VN)
    for code, name, area, kind, measure, value in INDICATORS:
        ind = Indicator.objects.filter(code=code).first()
        if ind is None:
            ind = services.indicator_save(
                actor=None,
                indicator=Indicator(code=code, name=name, area=area, kind=kind, measure=measure),
            )
        services.indicator_value_save(
            actor=None,
            indicator=ind,
            unit=province,
            period_from=H1[0],
            period_to=H1[1],
            value=Decimal(value),
            source=SOURCE,
            now=at,
        )
    for area, text in NARRATIVES.items():
        services.narrative_save(
            actor=None,
            unit=province,
            period_from=H1[0],
            period_to=H1[1],
            area=area,
            text=text,
            now=at,
        )
    return {"plan": plan.pk, "tasks": tasks, "indicators": len(INDICATORS)}
