"""The draft as an A4 PDF (fpdf2's ``write_html``), set in Liberation Serif (metric-compatible
with Times New Roman, as Decree 30/2020/NĐ-CP asks) with the margins of that decree: top and
bottom 20 mm, left 30 mm, right 15 mm. The HTML has passed ``clean.clean_html`` first."""

from __future__ import annotations

from motcua.core.errors import ValidationFailed


def html_pdf(content: str, *, title: str = "") -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from motcua.dossiers.forms_pdf import _font_path

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(title or "Kết quả giải quyết thủ tục hành chính")
    pdf.set_creator("Một Cửa")
    pdf.add_font("Serif", "", _font_path("LiberationSerif-Regular.ttf"))
    pdf.add_font("Serif", "B", _font_path("LiberationSerif-Bold.ttf"))
    pdf.add_font("Serif", "I", _font_path("LiberationSerif-Italic.ttf"))
    pdf.add_font("Serif", "BI", _font_path("LiberationSerif-BoldItalic.ttf"))
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(True, 20)
    pdf.add_page()
    pdf.set_font("Serif", size=13)
    try:
        pdf.write_html(
            content,
            font_family="Serif",
            warn_on_tags_not_matching=False,
            tag_styles={
                "h1": FontFace(family="Serif", emphasis="BOLD", size_pt=15),
                "h2": FontFace(family="Serif", emphasis="BOLD", size_pt=14),
                "h3": FontFace(family="Serif", emphasis="BOLD", size_pt=13),
                "h4": FontFace(family="Serif", emphasis="BOLD", size_pt=13),
            },
        )
        return bytes(pdf.output())
    except Exception as exc:
        raise ValidationFailed(
            f"Nội dung dự thảo không in được thành PDF ({type(exc).__name__}: {exc}); "
            "hãy kiểm tra các bảng và thẻ HTML",
            code="draft_unprintable",
        ) from None
