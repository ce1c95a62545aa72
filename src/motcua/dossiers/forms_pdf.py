"""PDF rendering of the legal forms (fpdf2), Liberation Serif (metric-compatible with Times New
Roman) embedded so that Vietnamese prints everywhere.

Every text is drawn literally: applicant data may contain ``**``, ``__`` or ``--``, which fpdf2's
markdown mode would turn into bold, underline or strike-through and remove from the page, so
markdown is never switched on; bold labels are drawn as separate runs.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from motcua.dossiers.forms import MOTTO, NATION, Field, FormDoc, Para, Signatures, Table

if TYPE_CHECKING:
    from fpdf import FPDF

PAPER_MM = {"A5": (148, 210), "A4": (210, 297)}  # ISO 216


def _font_path(name: str) -> str:
    # static, so that the HTML print view (@font-face) sets the forms in the same font
    return str(resources.files("motcua.dossiers").joinpath("static", "dossiers", "fonts", name))


def render(doc: FormDoc) -> bytes:
    """The form as PDF: one page (or more, when long) per copy."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L" if doc.landscape else "P", unit="mm", format=PAPER_MM[doc.paper])
    pdf.set_title(doc.title)
    pdf.set_creator("Một Cửa")
    pdf.add_font("Serif", "", _font_path("LiberationSerif-Regular.ttf"))
    pdf.add_font("Serif", "B", _font_path("LiberationSerif-Bold.ttf"))
    pdf.add_font("Serif", "I", _font_path("LiberationSerif-Italic.ttf"))
    pdf.add_font("Serif", "BI", _font_path("LiberationSerif-BoldItalic.ttf"))
    margin = 12 if doc.paper == "A5" else 10
    pdf.set_margins(margin, 10, margin)
    pdf.set_auto_page_break(True, 10)
    for copy in doc.copies:
        pdf.add_page()
        _page(pdf, doc, copy)
        if doc.qr:
            _qr(pdf, doc.qr)
    return bytes(pdf.output())


QR_MM = 18  # printed side of the look-up QR code, quiet zone included


def _qr(pdf: FPDF, url: str) -> None:
    """The look-up QR code (segno) at the foot of the page, right, with its caption; dark
    modules drawn as filled rectangles, one per horizontal run."""
    import segno

    matrix = segno.make(url, error="m", micro=False).matrix
    border = 2
    n = len(matrix) + 2 * border
    unit = QR_MM / n
    x0 = pdf.w - pdf.r_margin - QR_MM
    y0 = max(pdf.get_y() + 1, pdf.h - pdf.b_margin - QR_MM - 1)
    if y0 + QR_MM > pdf.h - 2:  # no room left on this page: not worth a page of its own
        return
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(
                    x0 + (border + start) * unit,
                    y0 + (border + r) * unit,
                    (c - start) * unit,
                    unit,
                    style="F",
                )
            else:
                c += 1
    pdf.set_font("Serif", "I", 8)
    pdf.set_auto_page_break(False)  # the caption stays beside the code, never on a new page
    pdf.set_xy(x0 - 32, y0 + QR_MM / 2 - 4)
    pdf.multi_cell(31, 3.2, "Quét mã để tra cứu hồ sơ trên Cổng dịch vụ công", align="R")
    pdf.set_auto_page_break(True, 10)


def _page(pdf: FPDF, doc: FormDoc, copy: str) -> None:
    from fpdf.enums import XPos, YPos

    base = 10.5 if doc.paper == "A5" else 11
    width = pdf.epw
    nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    below = {"new_x": XPos.LEFT, "new_y": YPos.NEXT}

    pdf.set_font("Serif", "I", base - 1.5)
    top = pdf.get_y()
    below_copy = top
    if copy:  # which copy this is, top left; the form's label top right
        pdf.multi_cell(width * 0.82, 4, f"({copy})", align="L", **nl)
        below_copy = pdf.get_y()
    pdf.set_xy(pdf.l_margin, top)
    pdf.cell(width, 4, doc.form_label, align="R", **nl)
    pdf.set_y(max(pdf.get_y(), below_copy))
    y0 = pdf.get_y() + 1
    col = width * 0.42
    pdf.set_xy(pdf.l_margin, y0)
    if doc.agency_parent:
        pdf.set_font("Serif", "", base - 1)
        pdf.multi_cell(col, 4.4, doc.agency_parent, align="C", **nl)
    pdf.set_font("Serif", "B", base - 1)
    pdf.multi_cell(col, 4.4, doc.agency, align="C", **nl)
    pdf.set_font("Serif", "", base - 1)
    pdf.multi_cell(col, 4.4, doc.number, align="C", **nl)
    y_left = pdf.get_y()
    pdf.set_xy(pdf.l_margin + col, y0)
    pdf.set_font("Serif", "B", base - 1)
    pdf.multi_cell(width - col, 4.4, NATION, align="C", **below)
    pdf.set_x(pdf.l_margin + col)
    pdf.multi_cell(width - col, 4.4, MOTTO, align="C", **below)
    pdf.set_x(pdf.l_margin + col)
    pdf.set_font("Serif", "I", base - 1)
    pdf.multi_cell(width - col, 4.4, doc.place_date, align="C", **nl)
    pdf.set_y(max(y_left, pdf.get_y()) + 3)
    pdf.set_font("Serif", "B", base + 2)
    pdf.multi_cell(width, 6, doc.title, align="C", **nl)
    if doc.subtitle:
        pdf.set_font("Serif", "B", base)
        pdf.multi_cell(width, 5, doc.subtitle, align="C", **nl)
    pdf.ln(2)
    line = base * 0.45
    for block in doc.blocks:
        if isinstance(block, Para):
            style = ("B" if block.bold else "") + ("I" if block.italic else "")
            pdf.set_font("Serif", style, base)
            pdf.multi_cell(width, line, block.text, align=block.align, **nl)
        elif isinstance(block, Field):
            pdf.set_x(pdf.l_margin)
            pdf.set_font("Serif", "B", base)
            pdf.write(line, f"{block.label}: ")
            pdf.set_font("Serif", "", base)
            pdf.write(line, block.value)
            pdf.ln(line)
        elif isinstance(block, Table):
            _table(pdf, block, base, line)
        elif isinstance(block, Signatures):
            pdf.ln(3)
            n = len(block.blocks)
            y = pdf.get_y()
            if y + 30 > pdf.h - pdf.b_margin:
                pdf.add_page()
                y = pdf.get_y()
            for i, (title, note, name) in enumerate(block.blocks):
                x = pdf.l_margin + i * width / n
                pdf.set_xy(x, y)
                pdf.set_font("Serif", "B", base)
                pdf.multi_cell(width / n, line, title, align="C", **below)
                pdf.set_x(x)
                pdf.set_font("Serif", "I", base - 1.5)
                pdf.multi_cell(width / n, line, note, align="C", **below)
                pdf.set_xy(x, y + 22)
                pdf.set_font("Serif", "B", base)
                pdf.multi_cell(width / n, line, name, align="C", **below)
            pdf.set_y(y + 30)


def _table(pdf: FPDF, block: Table, base: float, line: float) -> None:
    from fpdf.fonts import FontFace

    pdf.ln(1)
    pdf.set_font("Serif", "", base - 1.5)
    total = sum(block.widths)
    widths = [pdf.epw * w / total for w in block.widths]
    heading = FontFace(emphasis="BOLD", fill_color=None)
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=line * 0.95,
        num_heading_rows=2 if block.groups else 1,
        headings_style=heading,
        markdown=False,
    ) as table:
        if block.groups:
            top = table.row()
            for title, span in block.groups:
                if span == 1:
                    top.cell(title, rowspan=2, align="CENTER")
                else:
                    top.cell(title, colspan=span, align="CENTER")
            sub = table.row()
            for h in block.sub_headers:
                sub.cell(h, align="CENTER")
        else:
            head = table.row()
            for h in block.headers:
                head.cell(h)
        for r in block.rows:
            row = table.row()
            for c in r:
                row.cell(c)
    pdf.ln(1)
