"""Helpers for the drafting tests: a dossier at its specialist's step, templates, DOCX files."""

from __future__ import annotations

import io
from typing import Any

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.drafting.models import ResultTemplate, TemplateKind
from motcua.drafting.services import template_save
from tests.dossiers.conftest import World, at

FORM_DATA = {
    "ho_ten": "Trần Thị Bình",
    "ngay_sinh": "12/03/1990",
    "thanh_vien": [
        {"ho_ten": "Lê Văn Cường", "so_dinh_danh": "070111222333"},
        {"ho_ten": "Lê Thị Dung", "so_dinh_danh": "070444555666"},
    ],
}

BODY = (
    '<p align="center"><b>{{ co_quan.ten_in_hoa }}</b></p>'
    "<p>Hồ sơ {{ ho_so.ma }}: {{ form.ho_ten }}, sinh {{ form.ngay_sinh }}</p>"
    "<p>Thành viên đầu: {{ form.thanh_vien.0.ho_ten }}</p>"
    '<table border="1" width="100%">{% for tv in form.thanh_vien %}<tr><td width="10%">'
    '{{ forloop.counter }}</td><td width="90%">{{ tv.ho_ten }} ({{ tv.so_dinh_danh }})</td></tr>'
    "{% endfor %}</table>"
    "<p>Người nộp: {{ nguoi_nop.ho_ten }}; {{ co_quan.dia_danh }}, {{ ngay.day_du }}</p>"
)


def in_progress(w: World, form_data: dict | None = None, **over: Any) -> Dossier:
    """A dossier received at the province's desk, at the Department of Justice's specialist."""
    d = dossier_receive(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(**over),
        now=at("2022-06-01 09:00"),
    )
    if form_data is not None:
        Dossier.objects.filter(pk=d.pk).update(form_data=form_data)
    d.refresh_from_db()
    return d


def html_template(code: str = "1.000001", body: str = BODY, name: str = "Quyết định") -> Any:
    return template_save(
        actor=None,
        template=ResultTemplate(procedure_code=code, name=name, kind=TemplateKind.HTML, body=body),
    )


def docx_file(paragraphs: list[list[tuple[str, dict[str, bool]]]], table: list | None = None):
    """A DOCX whose paragraphs are given as runs (text, formatting)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    for runs in paragraphs:
        p = doc.add_paragraph()
        for text, fmt in runs:
            r = p.add_run(text)
            r.bold = fmt.get("bold")
            r.italic = fmt.get("italic")
        if runs and runs[0][1].get("center"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, text in enumerate(row):
                t.cell(i, j).text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_template(data: bytes, code: str = "1.000001", name: str = "Giấy chứng nhận") -> Any:
    from django.core.files.base import ContentFile

    t = ResultTemplate(procedure_code=code, name=name, kind=TemplateKind.DOCX)
    t.file.save("mau.docx", ContentFile(data), save=False)
    return template_save(actor=None, template=t, docx=data)
