"""The draft as an A4 PDF, set in Liberation Serif (metric-compatible with Times New Roman, as
Decree 30/2020/NĐ-CP asks) with that decree's margins: top and bottom 20 mm, left 30 mm,
right 15 mm.

fpdf2's own ``write_html`` takes one plain text per table cell, while a Vietnamese letterhead
is a two-column table whose cells mix bold and plain lines; so the filtered HTML
(``clean.clean_html``) is laid out here with fpdf2's text regions: every paragraph and every
table cell is a paragraph of runs (bold, italic, underline) with its alignment. Text is never
read as markdown, so applicant data prints literally.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from motcua.core.errors import ValidationFailed
from motcua.core.text import ascii_digits

BASE_PT = 13
CELL_PT = 12  # tables (the letterhead, the signature block) are set a point smaller
HEADING_PT = {"h1": 15, "h2": 14, "h3": 13, "h4": 13}
ALIGN = {"left": "LEFT", "center": "CENTER", "right": "RIGHT", "justify": "JUSTIFY"}
CELL_PAD = 1.5  # mm

#: the deepest a nested list is indented (four spaces a level)
MAX_LIST_INDENT = 6


@dataclass
class Para:
    align: str = "LEFT"
    runs: list[tuple[str, str, int]] = field(default_factory=list)  # (text, style, size)
    space_after: float = 1.5
    prefix: str = ""

    def text(self) -> str:
        return "".join(r[0] for r in self.runs)


@dataclass
class Cell:
    width: float | None
    align: str
    colspan: int
    paras: list[Para] = field(default_factory=list)


@dataclass
class Table:
    border: bool
    rows: list[list[Cell]] = field(default_factory=list)


class _Layout(HTMLParser):
    """The filtered HTML as blocks (paragraphs and tables)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Para | Table | str] = []
        self.style: list[str] = []
        self.size = BASE_PT
        self.para: Para | None = None
        self.table: Table | None = None
        self.cell: Cell | None = None
        self.lists: list[list[Any]] = []  # [kind, counter]
        self.tables_depth = 0

    # -- paragraphs
    def _target(self) -> list[Any]:
        return self.cell.paras if self.cell is not None else self.blocks  # type: ignore[return-value]

    def _open(self, align: str = "LEFT", prefix: str = "") -> Para:
        self._close()
        self.para = Para(align=align, prefix=prefix)
        if self.cell is not None:
            self.para.space_after = 0
        self._target().append(self.para)
        return self.para

    def _close(self) -> None:
        self.para = None

    def _style(self) -> str:
        s = set(self.style)
        return ("B" if "b" in s else "") + ("I" if "i" in s else "") + ("U" if "u" in s else "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        align = ALIGN.get((a.get("align") or "").lower(), "")
        if tag in {"p", "h1", "h2", "h3", "h4", "center", "blockquote"}:
            default = "CENTER" if tag == "center" else (self.cell.align if self.cell else "LEFT")
            self._open(align or default)
            if tag in HEADING_PT:
                self.size = HEADING_PT[tag]
                self.style.append("b")
        elif tag in {"b", "strong"}:
            self.style.append("b")
        elif tag in {"i", "em"}:
            self.style.append("i")
        elif tag == "u":
            self.style.append("u")
        elif tag == "br":
            if self.para is None:
                self._open(self.cell.align if self.cell else "LEFT")
            self.para.runs.append(("\n", self._style(), self.size))  # type: ignore[union-attr]
        elif tag == "hr":
            self._close()
            if self.cell is None:
                self.blocks.append("hr")
        elif tag in {"ul", "ol"}:
            self.lists.append([tag, 0])
        elif tag == "li":
            prefix = "• "
            if self.lists:
                self.lists[-1][1] += 1
                if self.lists[-1][0] == "ol":
                    prefix = f"{self.lists[-1][1]}. "
            # the indent stops growing past a few levels: 2,000 nested lists gave every item a
            # prefix of 8,000 spaces to lay out, 25 s for a 9 KB draft (the third probe)
            depth = min(MAX_LIST_INDENT, max(0, len(self.lists) - 1))
            self._open("LEFT", prefix="    " * depth + prefix)
        elif tag == "table":
            self.tables_depth += 1
            if self.tables_depth == 1:
                self._close()
                self.table = Table(border=a.get("border") == "1")
                self.blocks.append(self.table)
        elif tag == "tr" and self.table is not None and self.tables_depth == 1:
            self.table.rows.append([])
        elif tag in {"td", "th"} and self.table is not None and self.tables_depth == 1:
            if not self.table.rows:
                self.table.rows.append([])
            width = a.get("width") or ""
            w = float(width.rstrip("%")) if ascii_digits(width.rstrip("%"), 4) else None
            self.cell = Cell(
                w, align or ("CENTER" if tag == "th" else "LEFT"), int(a.get("colspan") or 1)
            )
            self.table.rows[-1].append(self.cell)
            self.size = CELL_PT
            self._close()
            if tag == "th":
                self.style.append("b")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"p", "h1", "h2", "h3", "h4", "center", "blockquote", "li"}:
            self._close()
            if tag in HEADING_PT:
                self.size = BASE_PT
                self._pop("b")
        elif tag in {"b", "strong"}:
            self._pop("b")
        elif tag in {"i", "em"}:
            self._pop("i")
        elif tag == "u":
            self._pop("u")
        elif tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        elif tag in {"td", "th"} and self.tables_depth == 1:
            if tag == "th":
                self._pop("b")
            self.cell = None
            self.size = BASE_PT
            self._close()
        elif tag == "table":
            self.tables_depth = max(0, self.tables_depth - 1)
            if self.tables_depth == 0:
                self.table = None
                self.cell = None
                self._close()

    def _pop(self, s: str) -> None:
        for i in range(len(self.style) - 1, -1, -1):
            if self.style[i] == s:
                del self.style[i]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split()) if "\n" in data or "\t" in data else data
        if not text or (not text.strip() and self.para is None):
            return
        if self.table is not None and self.cell is None:
            return  # text between cells
        if self.para is None:
            self._open(self.cell.align if self.cell else "LEFT")
        self.para.runs.append((text, self._style(), self.size))  # type: ignore[union-attr]


def _font(pdf: Any, style: str, size: int) -> None:
    pdf.set_font("Serif", style=style, size=size)


def _write_para(pdf: Any, p: Para, l_margin: float, r_margin: float) -> None:
    runs = list(p.runs)
    # no leading or trailing line break of its own, no empty paragraph taller than a line
    while runs and runs[-1][0] == "\n":
        runs.pop()
    if not runs or not "".join(r[0] for r in runs).strip():
        _font(pdf, "", BASE_PT)
        pdf.ln(BASE_PT * 0.3528 * 1.15)
        return
    with (
        pdf.text_columns(
            l_margin=l_margin, r_margin=r_margin, text_align=p.align, line_height=1.15
        ) as cols,
        cols.paragraph(text_align=p.align, bottom_margin=p.space_after) as par,
    ):
        if p.prefix:
            _font(pdf, "", BASE_PT)
            par.write(p.prefix)
        for text, style, size in runs:
            _font(pdf, style, size)
            par.write(text)
    _font(pdf, "", BASE_PT)


def _write_table(pdf: Any, t: Table) -> None:
    full = pdf.w - pdf.l_margin - pdf.r_margin
    for row in t.rows:
        if not row:
            continue
        spans = sum(c.colspan for c in row)
        given = [c.width for c in row]
        known = sum(w for w in given if w)
        unknown = [c for c in row if not c.width]
        rest = max(0.0, 100 - known)
        widths = [
            (c.width if c.width else (rest / len(unknown) if unknown else 100 / spans)) for c in row
        ]
        scale = 100 / sum(widths) if sum(widths) > 0 else 1
        if pdf.y > pdf.h - pdf.b_margin - 25:
            pdf.add_page()
        y0, page0 = pdf.y, pdf.page
        x = pdf.l_margin
        bottom = y0
        for cell, w in zip(row, widths, strict=True):
            cw = full * w * scale / 100
            pdf.set_xy(x, y0 + (CELL_PAD if t.border else 0))
            for p in cell.paras:
                pad = CELL_PAD if t.border else 0
                _write_para(pdf, p, x + pad, pdf.w - (x + cw) + pad)
            if pdf.page == page0:
                bottom = max(bottom, pdf.y + (CELL_PAD if t.border else 0))
            x += cw
        if pdf.page != page0:  # a cell ran onto the next page: go on below it
            continue
        if t.border:
            x = pdf.l_margin
            for w in widths:
                cw = full * w * scale / 100
                pdf.rect(x, y0, cw, bottom - y0)
                x += cw
        pdf.set_xy(pdf.l_margin, bottom)
    pdf.ln(2)


def html_pdf(content: str, *, title: str = "") -> bytes:
    from fpdf import FPDF

    from motcua.dossiers.forms_pdf import _font_path

    layout = _Layout()
    layout.feed(content)
    layout.close()
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
    _font(pdf, "", BASE_PT)
    try:
        for block in layout.blocks:
            if isinstance(block, Para):
                pdf.set_x(pdf.l_margin)
                _write_para(pdf, block, pdf.l_margin, pdf.r_margin)
            elif isinstance(block, Table):
                _write_table(pdf, block)
            else:
                y = pdf.y + 1
                pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
                pdf.ln(3)
        return bytes(pdf.output())
    except Exception as exc:
        raise ValidationFailed(
            f"Nội dung dự thảo không in được thành PDF ({type(exc).__name__}); "
            "hãy kiểm tra các bảng và thẻ HTML",
            code="draft_unprintable",
        ) from None
