"""Demo result templates (``motcua demo``): one per common procedure family, realistic layout
(Quốc hiệu, tiêu ngữ, cơ quan, số, địa danh và ngày tháng; Decree 30/2020/NĐ-CP)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from motcua.catalog.models import Procedure
from motcua.drafting.models import ResultTemplate, TemplateKind
from motcua.drafting.services import template_save

#: (file, name of the template, words that the procedure's name contains)
DEMO = [
    ("lltp1.html", "Phiếu lý lịch tư pháp số 1", ("Phiếu lý lịch tư pháp số 1",)),
    ("khai_sinh.html", "Trích lục khai sinh", ("Đăng ký khai sinh",)),
    (
        "ho_kinh_doanh.html",
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        ("Cấp Giấy chứng nhận đăng ký hộ kinh doanh",),
    ),
]
#: procedures per template at most (the demo catalog has variants of each name)
PER_TEMPLATE = 4


def _text(name: str) -> str:
    return resources.files("motcua.drafting").joinpath("data", name).read_text("utf-8")


def demo_body(name: str) -> str:
    return _text(name).replace("[[TIEU_DE]]", _text("_head.html").strip())


def drafting_demo_load(*, actor: Any = None) -> int:
    """Idempotent: a template per matching procedure code that has none of that name."""
    made = 0
    for file, title, words in DEMO:
        codes: list[str] = []
        for word in words:
            qs = Procedure.objects.filter(name__icontains=word).order_by("code")
            for code in qs.values_list("code", flat=True).distinct():
                if code not in codes:
                    codes.append(code)
        for code in codes[:PER_TEMPLATE]:
            if ResultTemplate.objects.filter(procedure_code=code, name=title).exists():
                continue
            template_save(
                actor=actor,
                template=ResultTemplate(
                    procedure_code=code, name=title, kind=TemplateKind.HTML, body=demo_body(file)
                ),
            )
            made += 1
    return made
