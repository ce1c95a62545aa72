"""DOCX result templates: placeholders filled in the runs of each paragraph, and the filled
document turned into the draft's HTML.

Word splits typed text into runs at will (a spelling mark, a change of formatting), so a
placeholder ``{{ form.ho_ten }}`` may be spread over three runs. Each paragraph's runs are read
as one text, each placeholder found in it, and its value written into the run where it starts,
with the parts in later runs removed: the formatting of the placeholder's first character is
kept. A paragraph holding a tag (``{% for %}``, ``{% if %}``) is rendered whole into its first
run; a tag must open and close within one paragraph (checked when the template is saved).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html import escape
from typing import Any

from motcua.core.errors import ValidationFailed
from motcua.drafting.sandbox import compile_template, loop_budget, render_text

PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
MAX_DOCX_BYTES = 5 * 1024 * 1024


def _open(data: bytes) -> Any:
    from docx import Document

    try:
        return Document(io.BytesIO(data))
    except Exception:
        raise ValidationFailed(
            "Tệp không phải văn bản Word (.docx) đọc được", code="bad_docx"
        ) from None


def _cell_paragraphs(table: Any, seen: set[int]) -> Iterator[Any]:
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                continue
            seen.add(id(cell._tc))
            yield from cell.paragraphs
            for inner in cell.tables:
                yield from _cell_paragraphs(inner, seen)


def paragraphs(doc: Any) -> Iterator[Any]:
    """Every paragraph: the body, its tables (nested too), the headers and footers."""
    seen: set[int] = set()
    yield from doc.paragraphs
    for table in doc.tables:
        yield from _cell_paragraphs(table, seen)
    for section in doc.sections:
        for part in (section.header, section.footer):
            if part.is_linked_to_previous:
                continue
            yield from part.paragraphs
            for table in part.tables:
                yield from _cell_paragraphs(table, seen)


def docx_check(data: bytes) -> int:
    """The number of placeholders, or ValidationFailed with the first syntax error and the
    paragraph it is in."""
    if len(data) > MAX_DOCX_BYTES:
        raise ValidationFailed("Tệp mẫu vượt quá 5 MB", code="docx_too_large")
    doc = _open(data)
    count = 0
    for p in paragraphs(doc):
        text = "".join(r.text for r in p.runs)
        found = PLACEHOLDER.findall(text)
        if not found:
            continue
        count += len(found)
        try:
            compile_template(text, html=False)
        except ValidationFailed as exc:
            raise ValidationFailed(
                f"{exc.message} (trong đoạn: «{text[:120]}»). Thẻ {{% %}} phải mở và đóng trong "
                "cùng một đoạn văn.",
                code="template_syntax",
            ) from None
    return count


def fill_paragraph(p: Any, data: dict[str, Any]) -> None:
    runs = list(p.runs)
    text = "".join(r.text for r in runs)
    spans = [(m.start(), m.end(), m.group(0)) for m in PLACEHOLDER.finditer(text)]
    if not spans:
        return
    if any(s[2].startswith("{%") for s in spans):
        runs[0].text = render_text(text, data, html=False)
        for r in runs[1:]:
            r.text = ""
        return
    starts, pos = [], 0
    for r in runs:
        starts.append(pos)
        pos += len(r.text)
    new = [r.text for r in runs]

    def run_at(offset: int) -> int:
        i = 0
        while i + 1 < len(starts) and starts[i + 1] <= offset:
            i += 1
        return i

    for s, e, source in reversed(spans):
        value = render_text(source, data, html=False)
        i, j = run_at(s), run_at(e - 1)
        if i == j:
            t = new[i]
            new[i] = t[: s - starts[i]] + value + t[e - starts[i] :]
        else:
            new[i] = new[i][: s - starts[i]] + value
            for k in range(i + 1, j):
                new[k] = ""
            new[j] = new[j][e - starts[j] :]
    for r, t in zip(runs, new, strict=True):
        if r.text != t:
            r.text = t


def render_docx(data: bytes, context: dict[str, Any]) -> Any:
    """The template filled over ``context`` (a python-docx Document)."""
    doc = _open(data)
    with loop_budget():  # one budget of loop turns for the whole document, not one a paragraph
        for p in paragraphs(doc):
            fill_paragraph(p, context)
    return doc


def docx_bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---- the filled document as the draft's HTML ---------------------------------------------------

_ALIGN = {1: "center", 2: "right", 3: "justify"}


def _align(p: Any) -> str:
    value = p.alignment
    if value is None and p.style is not None:
        value = p.style.paragraph_format.alignment
    return _ALIGN.get(int(value), "") if value is not None else ""


def _inline(p: Any) -> str:
    parts = []
    for r in p.runs:
        if not r.text:
            continue
        t = escape(r.text, quote=False).replace("\n", "<br>").replace("\t", " ")
        if r.underline:
            t = f"<u>{t}</u>"
        if r.italic:
            t = f"<i>{t}</i>"
        if r.bold:
            t = f"<b>{t}</b>"
        parts.append(t)
    return "".join(parts)


def _paragraph_html(p: Any) -> str:
    inner = _inline(p) or "<br>"
    align = _align(p)
    return f'<p align="{align}">{inner}</p>' if align else f"<p>{inner}</p>"


def _table_html(table: Any) -> str:
    style = (table.style.name if table.style is not None else "") or ""
    border = "1" if "grid" in style.lower() else "0"
    rows = []
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        ncols = max(1, len(row.cells))
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            span = sum(1 for c in row.cells if c._tc is cell._tc)
            width = round(100 * span / ncols)
            align = _align(cell.paragraphs[0]) if cell.paragraphs else ""
            body = "<br>".join(_inline(p) for p in cell.paragraphs) or " "
            attrs = f' width="{width}%"' + (f' colspan="{span}"' if span > 1 else "")
            attrs += f' align="{align}"' if align else ""
            cells.append(f"<td{attrs}>{body}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table border="{border}" width="100%">' + "".join(rows) + "</table>"


def docx_to_html(doc: Any) -> str:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(_paragraph_html(Paragraph(child, doc)))
        elif tag == "tbl":
            out.append(_table_html(Table(child, doc)))
    return "\n".join(out)
