"""Definitions are refused with the path (and, from a file, the line) of their first problem."""

from __future__ import annotations

import json
from typing import Any

import pytest

from motcua.eforms.definition import DefinitionError, definition_check, definition_parse


def _fields(d: dict[str, Any]) -> list[dict[str, Any]]:
    return d["sections"][0]["fields"]


def test_good_definition_passes(definition: dict[str, Any]) -> None:
    assert definition_check(definition) == definition


def test_unknown_field_type_refused_with_path(definition: dict[str, Any]) -> None:
    _fields(definition)[2]["type"] = "signature"
    with pytest.raises(DefinitionError) as e:
        definition_check(definition)
    assert e.value.path == "sections[0].fields[2].type"
    assert "signature" in e.value.message and "không được hỗ trợ" in e.value.message


def test_unknown_field_type_refused_with_file_line(definition: dict[str, Any]) -> None:
    _fields(definition)[3]["type"] = "slider"
    text = json.dumps(definition, ensure_ascii=False, indent=2)
    expected = next(i for i, ln in enumerate(text.splitlines(), 1) if '"slider"' in ln)
    with pytest.raises(DefinitionError) as e:
        definition_parse(text)
    assert e.value.line == expected
    assert f"dòng {expected}" in e.value.message


def test_json_syntax_error_has_line() -> None:
    with pytest.raises(DefinitionError) as e:
        definition_parse('{\n  "title": "x",\n  "sections": [\n}')
    assert e.value.line == 4


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: _fields(d)[0].update(pattern="[a-"), "sections[0].fields[0].pattern", "mẫu"),
        (lambda d: _fields(d)[0].update(min_length=99), "sections[0].fields[0].min_length", "tối"),
        (lambda d: _fields(d)[5].update(min=20), "sections[0].fields[5].min", "lớn hơn"),
        (lambda d: _fields(d)[1].update(max="hôm qua"), "sections[0].fields[1].max", "ngày"),
        (lambda d: _fields(d)[3].update(choices=[["a", "A"], ["a", "B"]]), "", "trùng"),
        (lambda d: _fields(d)[0].update(colour="red"), "sections[0].fields[0].colour", "khóa"),
        (lambda d: _fields(d)[1].update(name="full_name"), "sections[0].fields[1].name", "trùng"),
        (lambda d: _fields(d)[1].update(name="Ngày"), "sections[0].fields[1].name", "tên"),
        (lambda d: d["rules"][0].update(op="between"), "rules[0].op", "between"),
        (lambda d: d["rules"][0].update(right="ghost"), "rules[0].right", "ghost"),
        (lambda d: d["rules"][0].update(right="copies"), "rules[0]", "cùng kiểu"),
        (lambda d: d.update(sections=[]), "sections", "ít nhất"),
    ],
)
def test_broken_rules_refused(
    definition: dict[str, Any], change: Any, path: str, words: str
) -> None:
    change(definition)
    with pytest.raises(DefinitionError) as e:
        definition_check(definition)
    if path:
        assert e.value.path == path
    assert words in e.value.message


def test_condition_on_missing_field_refused(definition: dict[str, Any]) -> None:
    _fields(definition)[4]["visible_if"] = {"field": "reason", "op": "eq", "value": "x"}
    with pytest.raises(DefinitionError) as e:
        definition_check(definition)
    assert e.value.path == "sections[0].fields[4].visible_if"
    assert "'reason'" in e.value.message


@pytest.mark.parametrize(
    "condition",
    [
        "purpose == 'khac'",  # an expression string: never evaluated
        {"field": "purpose", "op": "matches", "value": "x"},
        {"field": "purpose", "op": "in", "value": "khac"},
        {"field": "purpose", "op": "filled", "value": 1},
        {"field": "members", "op": "filled"},  # a group is not a condition's operand
        {"any": []},
        {"field": "purpose", "op": "eq", "value": "khac", "extra": 1},
    ],
)
def test_bad_conditions_refused(definition: dict[str, Any], condition: Any) -> None:
    _fields(definition)[4]["required_if"] = condition
    with pytest.raises(DefinitionError) as e:
        definition_check(definition)
    assert e.value.path == "sections[0].fields[4].required_if"


def test_group_limits_and_nesting(definition: dict[str, Any]) -> None:
    group = definition["sections"][1]["fields"][0]
    group["max"] = 1000
    with pytest.raises(DefinitionError):
        definition_check(definition)
    group["max"] = 3
    group["fields"].append({"name": "inner", "type": "group", "label": "x", "fields": []})
    with pytest.raises(DefinitionError):
        definition_check(definition)


def test_group_condition_may_use_sibling(definition: dict[str, Any]) -> None:
    group = definition["sections"][1]["fields"][0]
    group["fields"].append(
        {
            "name": "school",
            "type": "text",
            "label": "Trường học",
            "visible_if": {"field": "relation", "op": "eq", "value": "con"},
        }
    )
    assert definition_check(definition)["sections"][1]["fields"][0]["fields"][2]["name"] == "school"
