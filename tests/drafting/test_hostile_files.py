"""What the third probe sent as templates and drafts (issue 9): zip bombs, documents too many
paragraphs long, Word parts python-docx cannot read, lists nested thousands deep, JSON too deep
or too large for the preview. Each is refused with a clear message (or printed within bounds),
never a server error or a worker's memory."""

from __future__ import annotations

import contextlib
import io
import re
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from motcua.core.errors import ValidationFailed
from motcua.drafting import render
from motcua.drafting.docx_render import (
    MAX_PARAGRAPHS,
    MAX_PLACEHOLDERS,
    MAX_UNPACKED_BYTES,
    _unpacked,
    docx_check,
)
from motcua.drafting.models import ResultTemplate, TemplateKind, template_file_name
from tests.dossiers.conftest import World, province_admin
from tests.drafting.tools import docx_file, html_template

DOC = "word/document.xml"


def _rezip(
    data: bytes, change: Callable[[str, bytes], bytes], method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for info in src.infolist():
            z.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def _xml(data: bytes, old: str, new: str, *, regex: bool = False) -> bytes:
    def change(name: str, body: bytes) -> bytes:
        if name != DOC:
            return body
        text = body.decode()
        changed = re.sub(old, new, text) if regex else text.replace(old, new)
        assert changed != text, (old, text[:2000])
        return changed.encode()

    return _rezip(data, change)


def _refused(data: bytes, code: str = "bad_docx") -> str:
    with pytest.raises(ValidationFailed) as exc:
        docx_check(data)
    assert exc.value.code == code
    return exc.value.message


def _peak(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        with contextlib.suppress(ValidationFailed):
            fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


PLAIN = docx_file([[("Giấy chứng nhận cho {{ nguoi_nop.ho_ten }}", {})]])


def test_a_part_compressed_otherwise_than_word_does_is_refused_unread() -> None:
    """bzip2 (and lzma): 27 KB that unpack to 1 GB took 2 GB of the worker's memory."""
    pad = b" " * (64 * 1024 * 1024)
    bomb = _rezip(
        PLAIN,
        lambda n, b: b.replace(b"</w:body>", pad + b"</w:body>") if n == DOC else b,
        zipfile.ZIP_BZIP2,
    )
    assert len(bomb) < 100_000
    peak = _peak(lambda: _refused(bomb))
    assert "nén" in _refused(bomb) and peak < 10 * 1024 * 1024


def test_a_part_unpacking_past_the_bound_is_refused_in_small_pieces() -> None:
    pad = b" " * (MAX_UNPACKED_BYTES + 1024 * 1024)
    bomb = _rezip(
        PLAIN, lambda n, b: b.replace(b"</w:body>", pad + b"</w:body>") if n == DOC else b
    )
    assert len(bomb) < 200_000
    started = time.perf_counter()
    peak = _peak(lambda: _refused(bomb))
    assert "giải nén" in _refused(bomb)
    # read 64 KB at a time and counted: never the part whole (the bound is 30 MB)
    assert peak < 25 * 1024 * 1024 and time.perf_counter() - started < 10


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """The zip's central directory says the part unpacks to ``size`` bytes (its real first
    ``size`` bytes' checksum given), whatever it really unpacks to."""
    real = zipfile.ZipFile(io.BytesIO(data)).read(name)
    crc = zlib.crc32(real[:size])
    buf = bytearray(data)
    at = buf.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", buf, at + 28)[0]
        if bytes(buf[at + 46 : at + 46 + name_len]).decode() == name:
            struct.pack_into("<I", buf, at + 16, crc)
            struct.pack_into("<I", buf, at + 24, size)
        at = buf.find(b"PK\x01\x02", at + 4)
    return bytes(buf)


def test_a_part_whose_stated_size_lies_is_read_only_as_far_as_it_says() -> None:
    """The zip module stops at the stated size, but only after unpacking the whole piece it read
    at once — python-docx reads a part in one piece. Packed again in small pieces, the part is
    what its header says, and nothing more is ever unpacked."""
    body = b"x" * (4 * 1024 * 1024)
    data = _rezip(PLAIN, lambda n, b: b + body if n == "docProps/app.xml" else b)
    lying = _lie_about_size(data, "docProps/app.xml", 100)
    peak = _peak(lambda: _unpacked(lying))
    again = zipfile.ZipFile(io.BytesIO(_unpacked(lying)))
    assert len(again.read("docProps/app.xml")) == 100
    assert peak < 3 * 1024 * 1024


def test_too_many_paragraphs_or_placeholders_are_refused_before_they_are_compiled() -> None:
    """200,000 paragraphs of placeholders (89 KB zipped) took 53 s to check, and again at every
    draft made from the template."""
    plain = "<w:p><w:r><w:t>Điều 1.</w:t></w:r></w:p>"
    filled = "<w:p><w:r><w:t>{{ nguoi_nop.ho_ten }}{% if 1 %}a{% endif %}</w:t></w:r></w:p>"
    many = _xml(PLAIN, "<w:sectPr", plain * (MAX_PARAGRAPHS + 10) + "<w:sectPr")
    started = time.perf_counter()
    assert "đoạn văn" in _refused(many)
    with pytest.raises(ValidationFailed) as exc:  # a stored one, drafted from: refused as well
        render.render_docx(many, {})
    assert exc.value.code == "bad_docx"
    # three in each paragraph: a value, a tag opening and its closing
    placeholders = _xml(PLAIN, "<w:sectPr", filled * (MAX_PLACEHOLDERS // 3 + 1) + "<w:sectPr")
    assert "chỗ điền" in _refused(placeholders)
    assert time.perf_counter() - started < 20
    assert docx_check(_xml(PLAIN, "<w:sectPr", filled * 100 + plain * 1000 + "<w:sectPr")) == 301


@pytest.mark.parametrize(
    ("what", "change"),
    [
        (
            "a table without its properties",
            lambda d: _xml(d, r"<w:tblPr>.*?</w:tblPr>", "", regex=True),
        ),
        ("an alignment Word never writes", lambda d: _xml(d, 'w:val="center"', 'w:val="middle"')),
        ("bold set to 'yes'", lambda d: _xml(d, "<w:b/>", '<w:b w:val="yes"/>')),
        (
            "a column span that is not a number",
            lambda d: _xml(d, 'w:gridSpan w:val="2"', 'w:gridSpan w:val="abc"'),
        ),
    ],
)
def test_word_parts_python_docx_cannot_read_are_refused_at_upload(what: str, change: Any) -> None:
    """They passed the upload check, then every preview and every draft of the procedure was a
    server error. The check now fills the template over sample data and makes its HTML."""
    from docx import Document

    doc = Document()
    p = doc.add_paragraph()
    p.alignment = 1  # center
    p.add_run("Số {{ ho_so.ma }}").bold = True
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "{{ nguoi_nop.ho_ten }}"
    out = io.BytesIO()
    doc.save(out)
    good = out.getvalue()
    assert docx_check(good) == 2
    assert "Word" in _refused(change(good)), what


@pytest.mark.django_db
def test_a_stored_template_python_docx_cannot_read_is_a_clear_refusal_not_a_500(
    world: World,
) -> None:
    from django.core.files.base import ContentFile

    bad = _xml(
        docx_file([[("{{ ho_so.ma }}", {})]], table=[["a", "b"]]),
        r"<w:tblPr>.*?</w:tblPr>",
        "",
        regex=True,
    )
    t = ResultTemplate(procedure_code="1.000001", name="Cũ", kind=TemplateKind.DOCX)
    t.file.save("cu.docx", ContentFile(bad), save=True)  # stored before the check existed
    with pytest.raises(ValidationFailed) as exc:
        render.template_render(t, render.sample_context())
    assert exc.value.code == "bad_docx"


def test_lists_nested_thousands_deep_print_quickly() -> None:
    """2,000 nested lists around 100 items: 25 s to print (each item's indent was 8,000 spaces)."""
    content = "<ul>" * 2000 + "<li>mục</li>" * 100 + "</ul>" * 2000
    started = time.perf_counter()
    pdf = render.draft_pdf(render.clean_html(content), title="Dự thảo")
    assert pdf.startswith(b"%PDF") and time.perf_counter() - started < 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    ['{"a":' * 3000 + "1" + "}" * 3000, '{"a": ' + "9" * 5000 + "}", "{không phải json"],
)
def test_the_previews_form_data_refuses_json_it_cannot_load(world: World, value: str) -> None:
    admin = province_admin("qt_tinh_json", world.center, "drafting")
    t = html_template("1.000001")
    c = Client()
    c.force_login(admin)
    r = c.get(f"/admin/drafting/resulttemplate/{t.pk}/xem-truoc/", {"form_data": value})
    assert r.status_code == 200
    assert "Dữ liệu tờ khai mẫu (JSON): giá trị không hợp lệ." in r.content.decode()


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("mau.docx", "mau.docx"),
        ("x.docx.html", "x.docx.html.docx"),
        (".htaccess", "htaccess.docx"),
        ("../../etc/passwd", "passwd.docx"),
        ("@@@", "mau.docx"),
    ],
)
def test_an_uploaded_template_is_always_stored_as_docx(name: str, stored: str) -> None:
    path = template_file_name(None, name)
    assert path.startswith("drafting/templates/") and path.endswith("/" + stored)
