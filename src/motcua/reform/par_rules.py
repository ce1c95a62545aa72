"""Scoring rules of the PAR index as data, and the small interpreter that applies them.

A rule is a JSON object kept on the criterion (``ParCriterion.rule``); nothing in it is ever
executed as code. The kinds (``value`` is the criterion's measured value: a rate in %, a count,
1/0 for yes/no; points never go below 0 nor above the criterion's maximum):

* ``{"kind": "manual"}``: the points are entered directly (0 … maximum);
* ``{"kind": "yes_no"}``: value 1 → the maximum, 0 → 0;
* ``{"kind": "threshold", "min": 90}``: the maximum when value ≥ min, else 0;
* ``{"kind": "proportional", "zero_at": 0, "full_at": 100}``: linear between the two values
  (``zero_at`` may be above ``full_at`` for "less is better"), clamped;
* ``{"kind": "tiers", "tiers": [{"min": 100, "points": 2}, {"min": 80, "points": 1}]}``: the
  points of the first tier whose ``min`` the value reaches (tiers by decreasing ``min``), else
  ``"else"`` (0 when absent);
* ``{"kind": "deduction", "per_item": 0.5, "floor": 0}``: the maximum less ``per_item`` per
  counted item (late dossiers, late reports), not below ``floor``.

``validate(rule, max_points, label)`` returns the cleaned rule or raises ``RuleError`` with a
Vietnamese message naming the criterion (``label``); ``points(rule, max_points, value)`` scores.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

KINDS = {
    "manual": "Nhập điểm trực tiếp",
    "yes_no": "Có/không",
    "threshold": "Đạt ngưỡng",
    "proportional": "Tỷ lệ thuận",
    "tiers": "Theo mức",
    "deduction": "Trừ điểm theo số lượng",
}
#: the keys each kind accepts besides ``kind`` (and an optional ``note``)
KEYS = {
    "manual": set(),
    "yes_no": set(),
    "threshold": {"min"},
    "proportional": {"zero_at", "full_at"},
    "tiers": {"tiers", "else"},
    "deduction": {"per_item", "floor"},
}
REQUIRED = {
    "threshold": {"min"},
    "proportional": {"full_at"},
    "tiers": {"tiers"},
    "deduction": {"per_item"},
}
LIMIT = Decimal("1000000")
MAX_TIERS = 20
CENT = Decimal("0.01")


class RuleError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _num(value: Any, what: str, label: str) -> Decimal:
    """A finite number (int, float, or numeric string), never a bool; within ±LIMIT."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise RuleError(f"{label}: {what} phải là một số")
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleError(f"{label}: {what} phải là một số") from None
    if not d.is_finite() or abs(d) > LIMIT:
        raise RuleError(f"{label}: {what} không hợp lệ")
    return d


def _plain(d: Decimal) -> float | int:
    return int(d) if d == d.to_integral_value() else float(d)


def validate(rule: Any, max_points: Any, label: str) -> dict[str, Any]:
    """The rule, cleaned (numbers as JSON numbers), or RuleError naming ``label``."""
    if not isinstance(rule, dict):
        raise RuleError(f"{label}: quy tắc chấm điểm phải là một đối tượng JSON có khóa «kind»")
    kind = rule.get("kind")
    if kind not in KINDS:
        names = ", ".join(KINDS)
        raise RuleError(f"{label}: loại quy tắc «{kind}» không được hỗ trợ (chỉ dùng: {names})")
    extra = set(rule) - KEYS[kind] - {"kind", "note"}
    if extra:
        raise RuleError(f"{label}: quy tắc «{kind}» không có tham số {', '.join(sorted(extra))}")
    missing = REQUIRED.get(kind, set()) - set(rule)
    if missing:
        raise RuleError(f"{label}: quy tắc «{kind}» thiếu tham số {', '.join(sorted(missing))}")
    top = _num(max_points, "điểm tối đa", label)
    if top < 0:
        raise RuleError(f"{label}: điểm tối đa không được âm")
    out: dict[str, Any] = {"kind": kind}
    if "note" in rule:
        if not isinstance(rule["note"], str) or len(rule["note"]) > 500:
            raise RuleError(f"{label}: ghi chú của quy tắc phải là chuỗi tối đa 500 ký tự")
        out["note"] = rule["note"]
    if kind == "threshold":
        out["min"] = _plain(_num(rule["min"], "ngưỡng «min»", label))
    elif kind == "proportional":
        full = _num(rule["full_at"], "giá trị đạt điểm tối đa «full_at»", label)
        zero = _num(rule.get("zero_at", 0), "giá trị 0 điểm «zero_at»", label)
        if full == zero:
            raise RuleError(f"{label}: «full_at» và «zero_at» phải khác nhau")
        out.update(zero_at=_plain(zero), full_at=_plain(full))
    elif kind == "tiers":
        tiers = rule["tiers"]
        if not isinstance(tiers, list) or not tiers or len(tiers) > MAX_TIERS:
            raise RuleError(f"{label}: «tiers» phải là danh sách từ 1 đến {MAX_TIERS} mức")
        cleaned, previous = [], None
        for i, t in enumerate(tiers, 1):
            if not isinstance(t, dict) or set(t) != {"min", "points"}:
                raise RuleError(f"{label}: mức {i} phải có đúng hai khóa «min» và «points»")
            low = _num(t["min"], f"ngưỡng của mức {i}", label)
            pts = _num(t["points"], f"điểm của mức {i}", label)
            if pts < 0 or pts > top:
                raise RuleError(
                    f"{label}: điểm của mức {i} ({_plain(pts)}) phải từ 0 đến điểm tối đa "
                    f"({_plain(top)})"
                )
            if previous is not None and low >= previous:
                raise RuleError(f"{label}: các mức phải xếp theo ngưỡng giảm dần (mức {i})")
            previous = low
            cleaned.append({"min": _plain(low), "points": _plain(pts)})
        out["tiers"] = cleaned
        if "else" in rule:
            other = _num(rule["else"], "điểm khi không đạt mức nào «else»", label)
            if other < 0 or other > top:
                raise RuleError(f"{label}: «else» phải từ 0 đến điểm tối đa ({_plain(top)})")
            out["else"] = _plain(other)
    elif kind == "deduction":
        per = _num(rule["per_item"], "số điểm trừ mỗi trường hợp «per_item»", label)
        floor = _num(rule.get("floor", 0), "điểm sàn «floor»", label)
        if per <= 0:
            raise RuleError(f"{label}: «per_item» phải lớn hơn 0")
        if floor < 0 or floor > top:
            raise RuleError(f"{label}: «floor» phải từ 0 đến điểm tối đa ({_plain(top)})")
        out.update(per_item=_plain(per), floor=_plain(floor))
    return out


def needs_value(rule: dict[str, Any]) -> bool:
    """Whether the rule scores a measured value (all kinds but ``manual``)."""
    return rule.get("kind") != "manual"


def points(rule: dict[str, Any], max_points: Decimal, value: Decimal | None) -> Decimal | None:
    """Points for ``value`` under a validated rule (None when there is no value to score;
    ``manual`` rules have no formula: the entered points are taken as they are)."""
    top = Decimal(max_points)
    kind = rule["kind"]
    if kind == "manual" or value is None:
        return None
    v = Decimal(value)
    if kind == "yes_no":
        got = top if v >= 1 else Decimal(0)
    elif kind == "threshold":
        got = top if v >= Decimal(str(rule["min"])) else Decimal(0)
    elif kind == "proportional":
        zero, full = Decimal(str(rule["zero_at"])), Decimal(str(rule["full_at"]))
        got = top * (v - zero) / (full - zero)
    elif kind == "tiers":
        got = Decimal(str(rule.get("else", 0)))
        for t in rule["tiers"]:
            if v >= Decimal(str(t["min"])):
                got = Decimal(str(t["points"]))
                break
    elif kind == "deduction":
        got = max(Decimal(str(rule["floor"])), top - Decimal(str(rule["per_item"])) * max(v, 0))
    else:  # validate() keeps every other kind out
        raise RuleError(f"loại quy tắc «{kind}» không được hỗ trợ")
    got = min(top, max(Decimal(0), got))
    return got.quantize(CENT, rounding=ROUND_HALF_UP)


def _vn(x: Any) -> str:
    """A number the Vietnamese way: 0.5 → '0,5', 2.0 → '2'."""
    return str(_plain(Decimal(str(x)))).replace(".", ",")


def describe(rule: dict[str, Any], max_points: Decimal) -> str:
    """The rule in words, for the forms and the template page."""
    top = _vn(max_points)
    kind = rule.get("kind")
    if kind == "yes_no":
        return f"Có: {top} điểm; không: 0"
    if kind == "threshold":
        return f"Đạt từ {_vn(rule['min'])} trở lên: {top} điểm; dưới: 0"
    if kind == "proportional":
        return f"Tỷ lệ thuận: {_vn(rule['zero_at'])} → 0 điểm, {_vn(rule['full_at'])} → {top} điểm"
    if kind == "tiers":
        parts = [f"từ {_vn(t['min'])}: {_vn(t['points'])}" for t in rule["tiers"]]
        return "; ".join(parts) + f"; thấp hơn: {_vn(rule.get('else', 0))}"
    if kind == "deduction":
        return (
            f"{top} điểm, trừ {_vn(rule['per_item'])} mỗi trường hợp, "
            f"tối thiểu {_vn(rule['floor'])}"
        )
    return f"Chấm trực tiếp từ 0 đến {top} điểm"
