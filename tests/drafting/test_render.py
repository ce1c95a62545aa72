"""Filling templates: placeholders over the dossier and its form data, groups and loops,
escaping, visible markers for unknown names, syntax errors refused with the reason, DOCX runs."""

from __future__ import annotations

import io

import pytest

from motcua.core.errors import ValidationFailed
from motcua.drafting import render
from motcua.drafting.clean import clean_html
from motcua.drafting.context import date_parts
from motcua.drafting.docx_render import docx_check, fill_paragraph, render_docx
from motcua.drafting.sandbox import compile_template, render_text
from tests.dossiers.conftest import World
from tests.drafting.tools import FORM_DATA, docx_file, docx_template, html_template, in_progress

pytestmark = pytest.mark.django_db


def test_placeholders_read_the_dossier_and_its_form_data_groups(world: World) -> None:
    d = in_progress(world, FORM_DATA)
    html = render.template_render(html_template(), render.dossier_context(d))
    assert "<b>SỞ TƯ PHÁP</b>" in html
    assert f"Hồ sơ {d.code}: Trần Thị Bình, sinh 12/03/1990" in html
    assert "Thành viên đầu: Lê Văn Cường" in html
    assert '<td width="10%">2</td><td width="90%">Lê Thị Dung (070444555666)</td>' in html
    assert "Người nộp: Nguyễn Văn An; Bình Phước, ngày " in html


def test_html_in_dossier_data_is_escaped_and_never_reaches_the_page(world: World) -> None:
    evil = {"ho_ten": '<script>alert("x")</script><b onclick="x()">Bình</b>', "thanh_vien": []}
    d = in_progress(world, evil)
    html = render.template_render(html_template(), render.dossier_context(d))
    assert "<script" not in html and "<b onclick" not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt;&lt;b onclick="x()"&gt;Bình' in html
    assert render.draft_pdf(html).startswith(b"%PDF-")  # an empty table prints too


def test_an_unknown_placeholder_is_a_visible_marker_not_a_crash(world: World) -> None:
    d = in_progress(world, {})
    t = html_template(
        body="<p>{{ form.khong_co }} / {{ form.thanh_vien.5.ho_ten }} / {{ x.y }}</p>"
    )
    html = render.template_render(t, render.dossier_context(d))
    assert "[[thiếu: form.khong_co]]" in html
    assert "[[thiếu: form.thanh_vien.5.ho_ten]]" in html
    assert "[[thiếu: x.y]]" in html


@pytest.mark.parametrize(
    "body",
    [
        "<p>{% for tv in form.thanh_vien %}{{ tv.ho_ten }}</p>",  # unclosed block
        "<p>{{ form.ho_ten|khong_co_bo_loc }}</p>",  # unknown filter
        "{% load static %}<p>{% static 'x' %}</p>",  # no libraries
        "{% include 'backoffice/base.html' %}",  # no loader tags
        "{% debug %}",  # would dump the context
        "{% url 'backoffice:dossier' 1 %}",
        "<p>{{ form.ho_ten|ljust:'999999999' }}</p>",  # padding filters are not offered
    ],
)
def test_a_broken_or_unsafe_template_is_refused_with_the_reason(body: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        html_template(body=body)
    assert exc.value.code == "template_syntax"
    assert exc.value.message.startswith("Mẫu có lỗi cú pháp")


def test_decree_30_dates_and_vnd() -> None:
    import datetime as dt

    assert date_parts(dt.date(2026, 2, 5))["day_du"] == "ngày 05 tháng 02 năm 2026"
    assert date_parts(dt.date(2026, 11, 25))["day_du"] == "ngày 25 tháng 11 năm 2026"
    assert render_text("{{ v|vnd }}", {"v": 1500000}, html=False) == "1.500.000"


def test_the_filter_keeps_only_what_prints() -> None:
    dirty = (
        '<p align="center" style="x" onclick="y">A<script>z()</script></p>'
        '<a href="javascript:x">B</a><img src=x onerror=y><table width="50%" border="1">'
        '<tr><td colspan="2">C'
    )
    assert clean_html(dirty) == (
        '<p align="center">A</p>\nB<table width="50%" border="1"><tr><td colspan="2">C'
        "</td></tr>\n</table>"
    )


def _split_runs_doc() -> bytes:
    # Word often splits a placeholder: "{{ form." | "ho_" | "ten }}" in three runs
    return docx_file(
        [
            [("QUYẾT ĐỊNH", {"bold": True, "center": True})],
            [("Cấp cho ông/bà: ", {}), ("{{ form.", {"bold": True}), ("ho_", {}), ("ten }}", {})],
            [("Thành viên: {% for tv in form.thanh_vien %}{{ tv.ho_ten }}; {% endfor %}", {})],
            [("Mã hồ sơ {{ ho_so.ma }} — {{ ", {}), ("form.khong_co }}", {"italic": True})],
        ],
        table=[["Họ tên", "{{ form.thanh_vien.1.ho_ten }}"]],
    )


def test_docx_placeholders_split_across_runs_are_filled_keeping_the_first_runs_format(
    world: World,
) -> None:
    d = in_progress(world, FORM_DATA)
    doc = render_docx(_split_runs_doc(), render.dossier_context(d))
    p = doc.paragraphs[1]
    assert p.text == "Cấp cho ông/bà: Trần Thị Bình"
    assert p.runs[1].text == "Trần Thị Bình" and p.runs[1].bold
    assert doc.paragraphs[2].text == "Thành viên: Lê Văn Cường; Lê Thị Dung; "
    assert doc.paragraphs[3].text == f"Mã hồ sơ {d.code} — [[thiếu: form.khong_co]]"
    assert doc.tables[0].cell(0, 1).text == "Lê Thị Dung"


def test_a_docx_template_becomes_the_drafts_html(world: World) -> None:
    d = in_progress(world, FORM_DATA)
    t = docx_template(_split_runs_doc())
    html = render.template_render(t, render.dossier_context(d))
    assert '<p align="center"><b>QUYẾT ĐỊNH</b></p>' in html
    assert "Cấp cho ông/bà: <b>Trần Thị Bình</b>" in html
    assert '<table border="0" width="100%"><tr><td width="50%">Họ tên</td>' in html
    # and prints
    assert render.draft_pdf(html).startswith(b"%PDF-")


def test_fill_paragraph_with_several_placeholders_in_one_run() -> None:
    from docx import Document

    doc = Document()
    p = doc.add_paragraph()
    p.add_run("{{ a }}-{{ b }}")
    p.add_run("-{{ c }}")
    fill_paragraph(p, {"a": "1", "b": "22", "c": "333"})
    assert [r.text for r in p.runs] == ["1-22", "-333"]


def test_a_docx_with_a_tag_spanning_paragraphs_or_not_a_docx_is_refused() -> None:
    bad = docx_file([[("{% for tv in form.thanh_vien %}", {})], [("{% endfor %}", {})]])
    with pytest.raises(ValidationFailed) as exc:
        docx_check(bad)
    assert exc.value.code == "template_syntax" and "cùng một đoạn" in exc.value.message
    with pytest.raises(ValidationFailed) as exc2:
        docx_check(b"PK\x03\x04 not really a zip")
    assert exc2.value.code == "bad_docx"
    assert docx_check(docx_file([[("{{ form.ho_ten }}", {})]])) == 1


def test_the_draft_prints_vietnamese_to_pdf(world: World) -> None:
    from pypdf import PdfReader

    d = in_progress(world, FORM_DATA)
    html = render.template_render(html_template(), render.dossier_context(d))
    text = PdfReader(io.BytesIO(render.draft_pdf(html))).pages[0].extract_text()
    assert "SỞ TƯ PHÁP" in text and "Trần Thị Bình" in text and "Lê Thị Dung" in text


def test_a_huge_group_is_cut_before_any_loop_runs() -> None:
    from motcua.drafting.context import MAX_ITEMS, sample_context

    ctx = sample_context({"thanh_vien": [{"ho_ten": "A"}] * 100_000})
    assert len(ctx["form"]["thanh_vien"]) == MAX_ITEMS
    out = render_text("{% for a in form.thanh_vien %}x{% endfor %}", ctx, html=False)
    assert out == "x" * MAX_ITEMS


def test_odd_digits_in_cell_attributes_are_dropped_not_a_500() -> None:
    """Found by a probe: a colspan of "²" (isdigit, but not for int) failed the save."""
    from motcua.drafting.clean import clean_html

    out = clean_html(
        '<table><tr><td colspan="²" width="١٢%">x</td><td colspan="2">y</td></tr></table>'
    )
    assert 'colspan="²"' not in out and "١٢" not in out
    assert 'colspan="2"' in out and ">x<" in out


@pytest.mark.parametrize(
    "body",
    [
        '{{ "x"|stringformat:"100000000s" }}',
        '{{ "x"|stringformat:"-99999s" }}',
        '{{ 1.5|floatformat:"100000000" }}',
        '{{ "1e99999999"|floatformat:2 }}',
    ],
)
def test_a_format_that_would_allocate_without_bound_prints_a_marker(body: str) -> None:
    """Found by a probe: stringformat with a width of 100,000,000 built that many characters
    (the server's memory doubled for one preview) before the result's length was checked."""
    out = render_text(body, {}, html=False)
    assert out.startswith("[[") and len(out) < 200


def test_formats_within_bounds_still_format() -> None:
    out = render_text('{{ 7|stringformat:"03d" }} {{ 1.25|floatformat:1 }}', {}, html=False)
    assert out == "007 1,3"  # the Vietnamese decimal comma


def test_nested_loops_stop_at_the_budget_with_a_clear_refusal() -> None:
    """Found by a probe: four loops nested over a string of fifty letters ran 6.25 million
    turns (2 s); six levels would run for hours in a web worker."""
    from motcua.drafting.sandbox import MAX_LOOP_STEPS

    loops = "".join("{% for a in s %}" for _ in range(6)) + "{% endfor %}" * 6
    with pytest.raises(ValidationFailed) as exc:
        render_text(loops, {"s": "x" * 50}, html=False)
    assert exc.value.code == "template_too_long"
    assert "vòng lặp" in exc.value.message
    # loops within the budget run: the budget counts every turn of every loop
    side = int(MAX_LOOP_STEPS**0.5) - 2
    two = "{% for a in s %}{% for b in s %}.{% endfor %}{% endfor %}"
    assert render_text(two, {"s": "x" * side}, html=False) == "." * side * side


def test_a_word_documents_paragraphs_share_one_loop_budget() -> None:
    from motcua.drafting.sandbox import MAX_LOOP_STEPS

    n = MAX_LOOP_STEPS // 3 + 1  # three paragraphs of one loop each: over the budget together
    paragraph = [("{% for a in s %}.{% endfor %}", {})]
    data = docx_file([paragraph, paragraph, paragraph])
    with pytest.raises(ValidationFailed) as exc:
        render_docx(data, {"s": "x" * n})
    assert exc.value.code == "template_too_long"
    assert render_docx(docx_file([paragraph]), {"s": "x" * n}) is not None


def _doubling(levels: int, *, tag: str = "with") -> str:
    """A value added to itself under ``levels`` nested tags (the third probe's template)."""
    if tag == "with":
        opens = "{% with v0=s|add:s %}" + "".join(
            f"{{% with v{i}=v{i - 1}|add:v{i - 1} %}}" for i in range(1, levels)
        )
        return opens + f"{{{{ v{levels - 1}|length }}}}" + "{% endwith %}" * levels
    body = "{% firstof s|add:s as v0 %}" + "".join(
        f"{{% firstof v{i - 1}|add:v{i - 1} as v{i} %}}" for i in range(1, levels)
    )
    return body + f"{{{{ v{levels - 1}|length }}}}"


@pytest.mark.parametrize("tag", ["with", "firstof"])
def test_a_value_added_to_itself_level_after_level_stops_at_the_output_bound(tag: str) -> None:
    """Found by the third probe: 22 nested ``{% with v=v|add:v %}`` over an address built a
    string of 436 million characters (2 GB) for one preview, and every level doubles it."""
    import tracemalloc

    from motcua.drafting.sandbox import MAX_OUTPUT

    tracemalloc.start()
    try:
        out = render_text(_doubling(30, tag=tag), {"s": "Số 1 đường Trần Hưng Đạo"}, html=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * MAX_OUTPUT  # bytes: a few values of the bound at most, not gigabytes
    # the doubling stops at the first value past the bound: a marker, whose length is printed
    assert int(out) < 100
    assert render_text(_doubling(3, tag=tag), {"s": "ab"}, html=False) == "16"


def test_a_loop_printing_a_long_value_stops_as_it_passes_the_bound() -> None:
    """The end-of-rendering check came after the whole output was built: 20,000 turns of a
    400,000-character value would be 8 billion characters first. The loop's output is charged
    as it is printed."""
    import time
    import tracemalloc

    from motcua.drafting.sandbox import MAX_OUTPUT

    big = "đ" * (MAX_OUTPUT // 2)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ValidationFailed) as exc:
            render_text(
                "{% for a in s %}{{ big }}{% endfor %}", {"s": "x" * 20_000, "big": big}, html=True
            )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert exc.value.code == "template_too_long" and "quá" in exc.value.message
    assert peak < 40 * MAX_OUTPUT and time.perf_counter() - started < 5
    # nested loops are charged once, not once a level: a page of real output still renders
    rows = "{% for r in s %}<p>{% for c in s %}{{ c }}{% endfor %}</p>{% endfor %}"
    assert render_text(rows, {"s": "x" * 100}, html=True).count("<p>") == 100


def test_join_and_add_past_the_bound_print_a_marker_and_within_it_work() -> None:
    from motcua.drafting.sandbox import MAX_OUTPUT

    many = ["a"] * (MAX_OUTPUT // 10)
    out = render_text('{{ many|join:"----------------" }}', {"many": many}, html=False)
    assert out.startswith("[[join:") and len(out) < 200
    out = render_text('{{ s|join:"----------" }}', {"s": "x" * (MAX_OUTPUT // 10)}, html=False)
    assert out.startswith("[[join:") and len(out) < 200  # a string is joined letter by letter
    out = render_text("{{ s|add:s }}", {"s": "x" * (MAX_OUTPUT // 2 + 1)}, html=False)
    assert out.startswith("[[add:") and len(out) < 200
    assert (
        render_text(
            '{{ l|join:", " }} {{ 2|add:3 }} {{ "a"|add:"b" }}', {"l": ["x", "y"]}, html=False
        )
        == "x, y 5 ab"
    )


def test_a_word_documents_paragraphs_share_one_output_bound() -> None:
    from motcua.drafting.sandbox import MAX_OUTPUT

    third = MAX_OUTPUT // 3 + 1
    paragraph = [("{{ big }}", {})]
    with pytest.raises(ValidationFailed) as exc:
        render_docx(docx_file([paragraph, paragraph, paragraph]), {"big": "x" * third})
    assert exc.value.code == "template_too_long"
    assert render_docx(docx_file([paragraph, paragraph]), {"big": "x" * third}) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% if a %}x", "thẻ {% if %} ở dòng 1 chưa được đóng (cần một trong: elif, else, endif)"),
        ("{% for x in y %}", "thẻ {% for %} ở dòng 1 chưa được đóng (cần một trong: empty, endfor"),
        ("{% endif %}", "thẻ «endif» ở dòng 1 không được dùng trong mẫu"),
        ("{% if a %}{% endfor %}{% endif %}", "thẻ «endfor» ở dòng 1 không đúng chỗ (ở đây cần:"),
        ("{% load static %}", "thẻ «load» ở dòng 1 không được dùng trong mẫu"),
        ("{{ }}", "chỗ điền {{ }} ở dòng 1 để trống"),
        ("{% %}", "thẻ {% %} ở dòng 1 để trống"),
        ("{{ a|khong_co }}", "bộ lọc «khong_co» không được dùng trong mẫu"),
        ("{{ a b }}", "không đọc được phần «b» của «a b»"),
        ("{{ a._b }}", "tên «a._b» không được bắt đầu bằng dấu gạch dưới"),
        ("{{ a|vnd:1 }}", "bộ lọc «vnd» cần 1 đối số, có 2"),
    ],
)
def test_a_syntax_error_is_told_in_vietnamese(text: str, expected: str) -> None:
    """Django's template errors are English, for developers: the administrator reads the
    reason in Vietnamese, with the tag and the line."""
    with pytest.raises(ValidationFailed) as exc:
        compile_template(text, html=True)
    message = exc.value.message
    assert message.startswith("Mẫu có lỗi cú pháp: ") and expected in message, message
    for english in ("line", "Looking", "Invalid", "Could not", "requires", "expected"):
        assert english not in message, message
