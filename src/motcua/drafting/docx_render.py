"""DOCX result templates: placeholders filled in the runs of each paragraph, and the filled
document turned into the draft's HTML.

Word splits typed text into runs at will (a spelling mark, a change of formatting), so a
placeholder ``{{ form.ho_ten }}`` may be spread over three runs. Each paragraph's runs are read
as one text, each placeholder found in it, and its value written into the run where it starts,
with the parts in later runs removed: the formatting of the placeholder's first character is
kept. A paragraph holding a tag (``{% for %}``, ``{% if %}``) is rendered whole into its first
run; a tag must open and close within one paragraph (checked when the template is saved).

A DOCX is a zip: what it unpacks to is bounded before python-docx reads it (``_unpacked``), and
so are its paragraphs and placeholders; a template is checked by filling it over sample data and
turning it into HTML, as a draft would be, so that what python-docx cannot read is refused at
upload, not at every draft (all found by the third probe, issue 9).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from html import escape
from typing import Any

from motcua.core.errors import ValidationFailed
from motcua.drafting.sandbox import compile_template, loop_budget, render_text

PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
MAX_DOCX_BYTES = 5 * 1024 * 1024
#: what one part of the zip (the document's XML, an image) may unpack to, and all of them
MAX_PART_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_PARTS = 1000
#: a result document (a decision, a certificate) has tens to hundreds of paragraphs
MAX_PARAGRAPHS = 5000
MAX_PLACEHOLDERS = 1000
_CHUNK = 64 * 1024


def _bad(message: str = "Tệp không phải văn bản Word (.docx) đọc được") -> ValidationFailed:
    return ValidationFailed(message, code="bad_docx")


def _unpacked(data: bytes) -> bytes:
    """The DOCX packed again from what its parts really unpack to, each read in small pieces
    and counted. python-docx reads a part whole: a 27 KB file of bzip2 that unpacks to 1 GB
    took 2 GB of a worker's memory before it was refused, and a part's stated size can lie (the
    zip module stops at the stated size, but only after unpacking the whole piece it read).
    Only the two methods Word writes are accepted (stored, deflate)."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        infos = source.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _bad() from None
    if len(infos) > MAX_PARTS:
        raise _bad(f"Tệp mẫu có quá {MAX_PARTS} phần")
    if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
        raise _bad("Tệp mẫu được nén theo cách Word không dùng; hãy lưu lại bằng Word")
    out = io.BytesIO()
    total = 0
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
            for info in infos:
                if info.is_dir():
                    continue
                size = 0
                with source.open(info) as part, packed.open(info.filename, "w") as copy:
                    while chunk := part.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES:
                            raise _bad(
                                f"Tệp mẫu giải nén ra quá {MAX_UNPACKED_BYTES // (1024 * 1024)} MB"
                            )
                        copy.write(chunk)
    except ValidationFailed:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise _bad() from None
    return out.getvalue()


def _open(data: bytes) -> Any:
    from docx import Document

    unpacked = _unpacked(data)
    try:
        return Document(io.BytesIO(unpacked))
    except Exception:
        raise _bad() from None


def _cell_paragraphs(table: Any, seen: set[int]) -> Iterator[Any]:
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                continue
            seen.add(id(cell._tc))
            yield from cell.paragraphs
            for inner in cell.tables:
                yield from _cell_paragraphs(inner, seen)


def _all_paragraphs(doc: Any) -> Iterator[Any]:
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


def paragraphs(doc: Any) -> Iterator[Any]:
    """Every paragraph: the body, its tables (nested too), the headers and footers; past
    ``MAX_PARAGRAPHS`` the document is refused (200,000 paragraphs of placeholders, 89 KB
    zipped, took 53 s to check, and again at every draft)."""
    for n, p in enumerate(_all_paragraphs(doc), 1):
        if n > MAX_PARAGRAPHS:
            raise _bad(f"Tệp mẫu có quá {MAX_PARAGRAPHS:,} đoạn văn".replace(",", "."))
        yield p


def docx_check(data: bytes) -> int:
    """The number of placeholders, or ValidationFailed with the first syntax error and the
    paragraph it is in; then the template filled over sample data and turned into HTML, as a
    draft would be: what python-docx cannot read in it (a table without its properties, an
    alignment or a span Word never writes) is refused here, not at every draft."""
    if len(data) > MAX_DOCX_BYTES:
        raise ValidationFailed("Tệp mẫu vượt quá 5 MB", code="docx_too_large")
    doc = _open(data)
    count = 0
    try:
        for p in paragraphs(doc):
            text = "".join(r.text for r in p.runs)
            found = PLACEHOLDER.findall(text)
            if not found:
                continue
            count += len(found)
            if count > MAX_PLACEHOLDERS:
                raise _bad(f"Tệp mẫu có quá {MAX_PLACEHOLDERS:,} chỗ điền".replace(",", "."))
            try:
                compile_template(text, html=False)
            except ValidationFailed as exc:
                raise ValidationFailed(
                    f"{exc.message} (trong đoạn: «{text[:120]}»). Thẻ {{% %}} phải mở và đóng "
                    "trong cùng một đoạn văn.",
                    code="template_syntax",
                ) from None
    except ValidationFailed:
        raise
    except Exception:  # python-docx reading what Word never writes
        raise _bad("Tệp mẫu có phần Word không đọc được; hãy lưu lại bằng Word") from None
    from motcua.drafting.context import sample_context

    docx_to_html_checked(render_docx(data, sample_context()))
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
    """The template filled over ``context`` (a python-docx Document); what python-docx cannot
    read in it is a ValidationFailed (bad_docx), not a server error."""
    doc = _open(data)
    try:
        with loop_budget():  # one budget of loop turns for the whole document, not a paragraph's
            for p in paragraphs(doc):
                fill_paragraph(p, context)
    except ValidationFailed:
        raise
    except Exception:
        raise _bad("Tệp mẫu có phần Word không đọc được; hãy lưu lại bằng Word") from None
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


def docx_to_html_checked(doc: Any) -> str:
    """``docx_to_html``, with what python-docx cannot read a ValidationFailed (bad_docx)."""
    try:
        return docx_to_html(doc)
    except Exception:
        raise _bad("Tệp mẫu có phần Word không đọc được; hãy lưu lại bằng Word") from None


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
