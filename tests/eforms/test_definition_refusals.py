"""Every refusal of the definition checker, one hostile definition each: the message names the
problem and the path names the place (an administrator fixes the JSON from these two)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from motcua.eforms.definition import DefinitionError, definition_check
from tests.eforms.conftest import BASE

Edit = Callable[[dict[str, Any]], None]


def _field(d: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for s in d["sections"] for f in s["fields"] if f["name"] == name)


def _set(field: str, **changes: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        _field(d, field).update(changes)

    return edit


def _top(**changes: Any) -> Edit:
    return lambda d: d.update(changes)


def _add(field: dict[str, Any]) -> Edit:
    return lambda d: d["sections"][0]["fields"].append(field)


CASES: list[tuple[str, Edit, str, str]] = [
    ("unknown top key", _top(extra=1), "extra", "khóa không được hỗ trợ"),
    ("format version", _top(version=2), "version", "phiên bản định dạng"),
    ("title missing", lambda d: d.pop("title"), "title", "thiếu"),
    ("title blank", _top(title="  "), "title", "chuỗi không rỗng"),
    ("no sections", _top(sections=[]), "sections", "ít nhất một phần"),
    (
        "section no fields",
        lambda d: d["sections"][0].update(fields=[]),
        "sections[0].fields",
        "ít nhất một trường",
    ),
    (
        "field not object",
        lambda d: d["sections"][0]["fields"].append("x"),
        "sections[0].fields[7]",
        "đối tượng JSON",
    ),
    ("bad name", _set("copies", name="Số bản"), "name", "chữ thường không dấu"),
    (
        "duplicate name",
        _add({"name": "copies", "type": "text", "label": "Lại"}),
        "name",
        "bị trùng",
    ),
    ("flag not bool", _set("copies", required="yes"), "required", "true hoặc false"),
    ("unknown key for type", _set("copies", pattern="x"), "pattern", "khóa không được hỗ trợ"),
    ("label missing", lambda d: _field(d, "copies").pop("label"), "label", "thiếu"),
    ("max_length float", _set("full_name", max_length=10.5), "max_length", "số nguyên"),
    ("max_length huge", _set("full_name", max_length=10**7), "max_length", "tối đa"),
    ("min above max length", _set("full_name", min_length=70), "min_length", "lớn hơn"),
    ("negative length", _set("full_name", min_length=-1), "min_length", "không nhỏ hơn"),
    ("pattern not text", _set("full_name", pattern=5), "pattern", "phải là chuỗi"),
    ("pattern broken", _set("full_name", pattern="(["), "pattern", "không hợp lệ"),
    ("number min text", _set("copies", min="1"), "min", "phải là một số"),
    ("number min above max", _set("copies", min=20), "min", "lớn hơn"),
    ("decimals", _set("copies", decimals=9), "decimals", "thập phân"),
    ("date bound", _set("birth_date", max="hôm nay"), "max", "YYYY-MM-DD"),
    ("choices empty", _set("purpose", choices=[]), "choices", "[giá trị, nhãn]"),
    (
        "choices repeated",
        _set("purpose", choices=[["a", "A"], ["a", "B"]]),
        "choices",
        "không trùng",
    ),
    ("choice shape", _set("purpose", choices=[["a"]]), "choices", "[giá trị, nhãn]"),
    (
        "file size",
        _add({"name": "scan", "type": "file", "label": "Tệp", "max_size_kb": 10**9}),
        "max_size_kb",
        "KB",
    ),
    (
        "file size zero",
        _add({"name": "scan", "type": "file", "label": "Tệp", "max_size_kb": 0}),
        "max_size_kb",
        "không nhỏ hơn 1",
    ),
    ("group max", _set("members", max=10**6), "max", "số nguyên từ 0"),
    ("group min above max", _set("members", min=3, max=2), "min", "tối thiểu lớn hơn"),
    (
        "group nested",
        lambda d: _field(d, "members")["fields"].append(
            {
                "name": "sub",
                "type": "group",
                "label": "G",
                "fields": [{"name": "x", "type": "text", "label": "X"}],
            }
        ),
        "type",
        "nhóm lặp",
    ),
    (
        "condition shape",
        _set("purpose_other", visible_if={"field": "purpose"}),
        "visible_if",
        "dạng {field, op, value}",
    ),
    ("condition all empty", _set("purpose_other", visible_if={"all": []}), "visible_if", "all/any"),
    (
        "condition on itself",
        _set("purpose_other", visible_if={"field": "purpose_other", "op": "filled"}),
        "visible_if",
        "chính trường này",
    ),
    (
        "condition op",
        _set("purpose_other", visible_if={"field": "purpose", "op": "like", "value": "k"}),
        "visible_if",
        "không được hỗ trợ",
    ),
    (
        "filled with value",
        _set("purpose_other", visible_if={"field": "purpose", "op": "filled", "value": 1}),
        "visible_if",
        "không có value",
    ),
    (
        "in without list",
        _set("purpose_other", visible_if={"field": "purpose", "op": "in", "value": "khac"}),
        "visible_if",
        "danh sách",
    ),
    (
        "eq with list",
        _set("purpose_other", visible_if={"field": "purpose", "op": "eq", "value": ["khac"]}),
        "visible_if",
        "giá trị đơn",
    ),
    ("rules not list", _top(rules={}), "rules", "danh sách"),
    (
        "rule op",
        _top(rules=[{"left": "copies", "op": "like", "right": "copies", "message": "m"}]),
        "op",
        "không được hỗ trợ",
    ),
    (
        "rule field",
        _top(rules=[{"left": "copies", "op": "lt", "right": "nothing", "message": "m"}]),
        "right",
        "không có",
    ),
    (
        "rule kinds",
        _top(rules=[{"left": "copies", "op": "lt", "right": "birth_date", "message": "m"}]),
        "rules[0]",
        "cùng kiểu",
    ),
    (
        "rule message",
        _top(rules=[{"left": "copies", "op": "lt", "right": "copies"}]),
        "message",
        "thiếu",
    ),
]


@pytest.mark.parametrize(
    ("edit", "where", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_broken_definition_is_refused_with_its_place(
    edit: Edit, where: str, says: str
) -> None:
    d = copy.deepcopy(BASE)
    edit(d)
    with pytest.raises(DefinitionError) as caught:
        definition_check(d)
    err = caught.value
    assert says in str(err), str(err)
    assert where in (err.path or ""), (err.path, str(err))


@pytest.mark.parametrize("d", ["tờ khai", [], 7, None])
def test_a_definition_that_is_not_an_object_is_refused(d: Any) -> None:
    with pytest.raises(DefinitionError) as caught:
        definition_check(d)
    assert "đối tượng JSON" in str(caught.value)


def test_too_many_fields_refused() -> None:
    d = copy.deepcopy(BASE)
    d["sections"][0]["fields"] += [
        {"name": f"f{i}", "type": "text", "label": f"Trường {i}"} for i in range(1000)
    ]
    with pytest.raises(DefinitionError) as caught:
        definition_check(d)
    assert "quá" in str(caught.value)
