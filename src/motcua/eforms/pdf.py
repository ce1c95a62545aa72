"""The filled application form printed (fpdf2), with the legal forms' layout and fonts
(``dossiers.forms_pdf``): form code top right, the national motto, the title, "Kính gửi", the
sections with their values, repeated groups as tables, the applicant's signature block."""

from __future__ import annotations

from typing import Any

from motcua.dossiers import forms as legal
from motcua.dossiers.models import Dossier
from motcua.eforms.display import filled


def application_doc(d: Dossier, definition: dict[str, Any]) -> legal.FormDoc:
    submitted = legal.local(d.submitted_at)
    when = (
        f"ngày {submitted:%d} tháng {submitted:%m} năm {submitted:%Y}"
        if submitted
        else "ngày …… tháng …… năm ……"
    )
    doc = legal.FormDoc(
        form_label=str(definition.get("form_code", "")),
        agency_parent="",
        agency="",
        number=f"Mã hồ sơ: {d.code}" if d.code else "",
        place_date=f"……, {when}",
        title=str(definition.get("title", "")).upper(),
        paper="A4",
    )
    doc.blocks.append(legal.Para(f"Kính gửi: {d.processing_agency.name}", align="C"))
    for section in filled(definition, d.form_data):
        doc.blocks.append(legal.Para(section.title, bold=True))
        for row in section.rows:
            if row.group is not None:
                doc.blocks.append(legal.Para(f"{row.label}:"))
                doc.blocks.append(
                    legal.Table(
                        ["TT", *row.headers],
                        [[str(i), *r] for i, r in enumerate(row.group, start=1)],
                        [1] + [4] * len(row.headers),
                    )
                )
            else:
                doc.blocks.append(legal.Field(row.label, row.value))
    doc.blocks.append(
        legal.Para(
            "Tôi xin cam đoan những thông tin khai trên đây là đúng sự thật và chịu trách nhiệm "
            "trước pháp luật về lời khai của mình.",
            italic=True,
        )
    )
    doc.blocks.append(legal.Signatures([("NGƯỜI KHAI", "(Ký, ghi rõ họ tên)", d.applicant_name)]))
    return doc


def application_pdf(d: Dossier, definition: dict[str, Any]) -> bytes:
    return legal.render_pdf(application_doc(d, definition))
