"""The definition language of electronic application forms (tờ khai điện tử): checking a
definition and evaluating its conditions. The format is documented in ``docs/eforms.md``.

A definition is plain JSON data. ``definition_check`` refuses anything it does not know (an
unknown key, field type, operator or a condition on a field that does not exist) with the path
of the first problem and, for a definition read from a file with ``loads_with_lines``, the line
of that file. Conditions are structured data evaluated by ``condition_holds``: nothing is ever
evaluated as code.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from json.decoder import JSONObject  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from typing import Any

from motcua.core.errors import ValidationFailed

FORMAT_VERSION = 1
FIELD_TYPES = ("text", "number", "date", "choice", "id_number", "address", "group", "file")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 200
MAX_GROUP_ITEMS = 100
MAX_TEXT_LENGTH = 4000
MAX_FILE_KB = 20 * 1024

COMMON_KEYS = {"name", "type", "label", "help", "required", "required_if", "visible_if"}
TYPE_KEYS: dict[str, set[str]] = {
    "text": {"min_length", "max_length", "pattern", "pattern_message", "multiline"},
    "number": {"min", "max", "decimals"},
    "date": {"min", "max"},
    "choice": {"choices", "multiple"},
    "id_number": set(),
    "address": {"detail"},
    "group": {"fields", "min", "max", "item_label", "rules"},
    "file": {"max_size_kb"},
}
TOP_KEYS = {"version", "title", "form_code", "help", "sections", "rules"}
SECTION_KEYS = {"title", "help", "fields"}
RULE_KEYS = {"left", "op", "right", "message"}
COMPARE_OPS = {"eq", "ne", "lt", "le", "gt", "ge"}
CONDITION_OPS = {"eq", "ne", "in", "not_in", "filled", "empty", "gt", "lt", "ge", "le"}


class DefinitionError(ValidationFailed):
    """A definition refused: ``path`` (e.g. ``sections[0].fields[2].type``) and, when read from
    a file, ``line``."""

    code = "bad_form_definition"

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        where = f"dòng {line}: " if line else ""
        at = f"{path}: " if path else ""
        super().__init__(f"Tờ khai: {where}{at}{message}", details={"path": path, "line": line})
        self.path, self.line, self.reason = path, line, message


# ---- JSON with line numbers ------------------------------------------------------------------


class _Located(dict):  # type: ignore[type-arg]
    """A JSON object that remembers where it starts and ends in its source text."""

    start: int = 0
    end: int = 0


def loads_with_lines(text: str) -> Any:
    """``json.loads`` whose objects remember their position (for error lines); a syntax error
    is a DefinitionError with its line."""
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kw: Any) -> tuple[Any, int]:
        start = s_and_end[1]
        value, end = JSONObject(s_and_end, *args, **kw)
        located = _Located(value)
        located.start, located.end = start - 1, end
        return located, end

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(f"JSON không hợp lệ ({exc.msg})", line=exc.lineno) from None
    except RecursionError:
        raise DefinitionError("JSON không hợp lệ (lồng quá sâu)") from None


def plain(value: Any) -> Any:
    """The same data without position records (what is stored)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _line_of(text: str | None, node: Any, key: str | None) -> int | None:
    if text is None or not isinstance(node, _Located):
        return None
    pos = node.start
    if key is not None:
        found = text.find(json.dumps(key), node.start, node.end)
        if found >= 0:
            pos = found
    return text.count("\n", 0, pos) + 1


# ---- checking --------------------------------------------------------------------------------


class _Checker:
    def __init__(self, text: str | None) -> None:
        self.text = text
        self.count = 0

    def fail(self, message: str, path: str, node: Any, key: str | None = None) -> None:
        full = f"{path}.{key}" if key and path else (key or path)
        raise DefinitionError(message, path=full, line=_line_of(self.text, node, key))

    def keys(self, node: Any, allowed: set[str], path: str) -> None:
        if not isinstance(node, dict):
            self.fail("phải là một đối tượng JSON", path, node)
        for key in node:
            if key not in allowed:
                self.fail(f"khóa không được hỗ trợ {key!r}", path, node, key)

    def text_of(self, node: dict[str, Any], key: str, path: str, *, required: bool) -> None:
        value = node.get(key)
        if value is None:
            if required:
                self.fail("thiếu", path, node, key)
            return
        if not isinstance(value, str) or not value.strip() or len(value) > 1000:
            self.fail("phải là chuỗi không rỗng, tối đa 1000 ký tự", path, node, key)

    def number_of(self, node: dict[str, Any], key: str, path: str, *, low: float = 0) -> None:
        value = node.get(key)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
            self.fail(f"phải là số không nhỏ hơn {low:g}", path, node, key)

    def definition(self, d: Any) -> None:
        self.keys(d, TOP_KEYS, "")
        if d.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            self.fail(f"phiên bản định dạng phải là {FORMAT_VERSION}", "", d, "version")
        self.text_of(d, "title", "", required=True)
        self.text_of(d, "form_code", "", required=False)
        self.text_of(d, "help", "", required=False)
        sections = d.get("sections")
        if not isinstance(sections, list) or not sections:
            self.fail("cần ít nhất một phần (sections)", "", d, "sections")
        scope: dict[str, dict[str, Any]] = {}
        for i, section in enumerate(sections):
            path = f"sections[{i}]"
            self.keys(section, SECTION_KEYS, path)
            self.text_of(section, "title", path, required=True)
            self.text_of(section, "help", path, required=False)
            self.fields(section.get("fields"), f"{path}.fields", section, scope)
        for i, section in enumerate(sections):
            for j, f in enumerate(section["fields"]):
                self.conditions(f, f"sections[{i}].fields[{j}]", scope, {})
        self.rules(d, "", scope)

    def fields(self, fields: Any, path: str, parent: Any, scope: dict[str, dict[str, Any]]) -> None:
        if not isinstance(fields, list) or not fields:
            self.fail("cần ít nhất một trường", path, parent)
        for j, f in enumerate(fields):
            self.field(f, f"{path}[{j}]", scope)

    def field(self, f: Any, path: str, scope: dict[str, dict[str, Any]]) -> None:
        self.count += 1
        if self.count > MAX_FIELDS:
            self.fail(f"tờ khai có quá {MAX_FIELDS} trường", path, f)
        if not isinstance(f, dict):
            self.fail("trường phải là một đối tượng JSON", path, f)
        kind = f.get("type")
        if kind not in FIELD_TYPES:
            self.fail(
                f"kiểu trường không được hỗ trợ {kind!r} (hỗ trợ: {', '.join(FIELD_TYPES)})",
                path,
                f,
                "type",
            )
        self.keys(f, COMMON_KEYS | TYPE_KEYS[kind], path)
        name = f.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            self.fail(
                "tên trường phải là chữ thường không dấu, số, '_' (tối đa 40)", path, f, "name"
            )
        if name in scope:
            self.fail(f"tên trường {name!r} bị trùng", path, f, "name")
        scope[name] = f
        self.text_of(f, "label", path, required=True)
        self.text_of(f, "help", path, required=False)
        for flag in ("required", "multiple", "multiline", "detail"):
            if flag in f and not isinstance(f[flag], bool):
                self.fail("phải là true hoặc false", path, f, flag)
        getattr(self, f"type_{kind}")(f, path)

    def type_text(self, f: dict[str, Any], path: str) -> None:
        for key in ("min_length", "max_length"):
            self.number_of(f, key, path)
            if key in f and not isinstance(f[key], int):
                self.fail("phải là số nguyên", path, f, key)
        if f.get("max_length", 0) > MAX_TEXT_LENGTH:
            self.fail(f"tối đa {MAX_TEXT_LENGTH} ký tự", path, f, "max_length")
        if f.get("min_length", 0) > f.get("max_length", MAX_TEXT_LENGTH):
            self.fail("độ dài tối thiểu lớn hơn độ dài tối đa", path, f, "min_length")
        if "pattern" in f:
            pattern = f["pattern"]
            if not isinstance(pattern, str) or len(pattern) > 200:
                self.fail("mẫu (pattern) phải là chuỗi, tối đa 200 ký tự", path, f, "pattern")
            try:
                re.compile(pattern)
            except re.error as exc:
                self.fail(f"mẫu (pattern) không hợp lệ: {exc}", path, f, "pattern")
        self.text_of(f, "pattern_message", path, required=False)

    def type_number(self, f: dict[str, Any], path: str) -> None:
        for key in ("min", "max"):
            if key in f and (isinstance(f[key], bool) or not isinstance(f[key], int | float)):
                self.fail("phải là một số", path, f, key)
        if "min" in f and "max" in f and f["min"] > f["max"]:
            self.fail("giá trị tối thiểu lớn hơn giá trị tối đa", path, f, "min")
        decimals = f.get("decimals", 0)
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
            self.fail("số chữ số thập phân phải từ 0 đến 6", path, f, "decimals")

    def type_date(self, f: dict[str, Any], path: str) -> None:
        for key in ("min", "max"):
            if key in f and date_bound(f[key]) is None:
                self.fail('phải là ngày YYYY-MM-DD hoặc "today"', path, f, key)

    def type_choice(self, f: dict[str, Any], path: str) -> None:
        choices = f.get("choices")
        ok = isinstance(choices, list) and 0 < len(choices) <= 500
        seen: set[str] = set()
        for c in choices if ok else []:
            if not (
                isinstance(c, list)
                and len(c) == 2
                and all(isinstance(x, str) and x.strip() for x in c)
                and c[0] not in seen
            ):
                ok = False
                break
            seen.add(c[0])
        if not ok:
            self.fail("cần danh sách [giá trị, nhãn] không trùng giá trị", path, f, "choices")

    def type_id_number(self, f: dict[str, Any], path: str) -> None:
        return None

    def type_address(self, f: dict[str, Any], path: str) -> None:
        return None

    def type_file(self, f: dict[str, Any], path: str) -> None:
        self.number_of(f, "max_size_kb", path, low=1)
        if f.get("max_size_kb", 0) > MAX_FILE_KB:
            self.fail(f"tối đa {MAX_FILE_KB} KB", path, f, "max_size_kb")

    def type_group(self, f: dict[str, Any], path: str) -> None:
        for key in ("min", "max"):
            if key in f and (
                isinstance(f[key], bool)
                or not isinstance(f[key], int)
                or not 0 <= f[key] <= MAX_GROUP_ITEMS
            ):
                self.fail(f"phải là số nguyên từ 0 đến {MAX_GROUP_ITEMS}", path, f, key)
        if f.get("min", 0) > f.get("max", MAX_GROUP_ITEMS):
            self.fail("số dòng tối thiểu lớn hơn tối đa", path, f, "min")
        self.text_of(f, "item_label", path, required=False)
        inner: dict[str, dict[str, Any]] = {}
        self.fields(f.get("fields"), f"{path}.fields", f, inner)
        for j, sub in enumerate(f["fields"]):
            if sub["type"] in ("group", "file"):
                self.fail(
                    "nhóm lặp không chứa nhóm lặp hoặc tệp", f"{path}.fields[{j}]", sub, "type"
                )

    def conditions(
        self,
        f: dict[str, Any],
        path: str,
        scope: dict[str, dict[str, Any]],
        inner: dict[str, dict[str, Any]],
    ) -> None:
        for key in ("required_if", "visible_if"):
            if key in f:
                self.condition(f[key], path, f, key, {**scope, **inner}, f["name"])
        if f["type"] == "group":
            siblings = {s["name"]: s for s in f["fields"]}
            for j, sub in enumerate(f["fields"]):
                self.conditions(sub, f"{path}.fields[{j}]", scope, siblings)
            self.rules(f, path, {**scope, **siblings})

    def condition(
        self, c: Any, path: str, node: Any, key: str, scope: dict[str, Any], own: str
    ) -> None:
        if isinstance(c, dict) and set(c) in ({"all"}, {"any"}):
            parts = next(iter(c.values()))
            if not isinstance(parts, list) or not parts:
                self.fail("all/any cần danh sách điều kiện", path, node, key)
            for part in parts:
                self.condition(part, path, node, key, scope, own)
            return
        if not isinstance(c, dict) or not {"field", "op"} <= set(c) <= {"field", "op", "value"}:
            self.fail(
                "điều kiện phải có dạng {field, op, value} hoặc {all|any: [...]}", path, node, key
            )
        target = c["field"]
        if target not in scope or scope[target]["type"] in ("group", "file"):
            self.fail(f"điều kiện tham chiếu trường không có: {target!r}", path, node, key)
        if target == own:
            self.fail("điều kiện tham chiếu chính trường này", path, node, key)
        op = c["op"]
        if op not in CONDITION_OPS:
            self.fail(f"phép so sánh không được hỗ trợ {op!r}", path, node, key)
        if op in ("filled", "empty"):
            if "value" in c:
                self.fail(f"phép {op} không có value", path, node, key)
        elif op in ("in", "not_in"):
            if not isinstance(c.get("value"), list) or not c["value"]:
                self.fail(f"phép {op} cần một danh sách giá trị", path, node, key)
        elif "value" not in c or isinstance(c["value"], dict | list):
            self.fail(f"phép {op} cần một giá trị đơn", path, node, key)

    def rules(self, node: dict[str, Any], path: str, scope: dict[str, dict[str, Any]]) -> None:
        rules = node.get("rules", [])
        if not isinstance(rules, list):
            self.fail("rules phải là danh sách", path, node, "rules")
        for i, r in enumerate(rules):
            rpath = f"{path}.rules[{i}]" if path else f"rules[{i}]"
            self.keys(r, RULE_KEYS, rpath)
            if r.get("op") not in COMPARE_OPS:
                self.fail(f"phép so sánh không được hỗ trợ {r.get('op')!r}", rpath, r, "op")
            kinds = set()
            for side in ("left", "right"):
                target = r.get(side)
                if target not in scope:
                    self.fail(f"quy tắc tham chiếu trường không có: {target!r}", rpath, r, side)
                kinds.add(scope[target]["type"])
            if len(kinds) != 1 or not kinds <= {"number", "date", "text"}:
                self.fail("quy tắc so sánh hai trường cùng kiểu số, ngày hoặc văn bản", rpath, r)
            self.text_of(r, "message", rpath, required=True)


def date_bound(value: Any, today: dt.date | None = None) -> dt.date | None:
    if value == "today":
        if today is None:
            from django.utils import timezone

            today = timezone.localdate()
        return today
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def definition_check(definition: Any, *, text: str | None = None) -> dict[str, Any]:
    """The definition as stored (plain JSON data), or DefinitionError for its first problem.
    ``text``: the source the definition was read from with ``loads_with_lines`` (for lines)."""
    _Checker(text).definition(definition)
    return plain(definition)  # type: ignore[no-any-return]


def definition_parse(text: str) -> dict[str, Any]:
    """A definition from JSON text (the admin's textarea, a file), checked, with lines."""
    return definition_check(loads_with_lines(text), text=text)


# ---- reading a definition ----------------------------------------------------------------------


def all_fields(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The top-level fields in order (groups included, their inner fields not)."""
    return [f for s in definition.get("sections", []) for f in s.get("fields", [])]


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _cmp(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Comparable pair: numbers with numbers (numbers typed as text too), else text."""
    try:
        if isinstance(a, int | float) or isinstance(b, int | float):
            return float(a), float(b)
    except (TypeError, ValueError):
        return None
    return str(a), str(b)


def condition_holds(c: dict[str, Any], values: dict[str, Any]) -> bool:
    """Evaluate a structured condition against the values (raw or cleaned) of its scope."""
    if "all" in c:
        return all(condition_holds(p, values) for p in c["all"])
    if "any" in c:
        return any(condition_holds(p, values) for p in c["any"])
    value, op, expected = values.get(c["field"]), c["op"], c.get("value")
    if isinstance(value, dt.date):
        value = value.isoformat()
    if op == "filled":
        return _filled(value)
    if op == "empty":
        return not _filled(value)
    if isinstance(value, list):  # a multiple choice: does it contain the value(s)?
        if op in ("eq", "in"):
            wanted = expected if isinstance(expected, list) else [expected]
            return any(str(v) in map(str, wanted) for v in value)
        if op in ("ne", "not_in"):
            wanted = expected if isinstance(expected, list) else [expected]
            return not any(str(v) in map(str, wanted) for v in value)
        return False
    if op in ("in", "not_in"):
        found = _filled(value) and str(value) in map(str, expected)
        return found if op == "in" else not found
    if not _filled(value):
        return op == "ne"
    pair = _cmp(value, expected)
    if pair is None:
        return op == "ne"
    a, b = pair
    return {
        "eq": a == b,
        "ne": a != b,
        "lt": a < b,
        "le": a <= b,
        "gt": a > b,
        "ge": a >= b,
    }[op]
