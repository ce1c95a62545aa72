"""The scoring rules: data evaluated by a small interpreter (no eval), each kind's points, and
bad rules refused when saved with a Vietnamese message naming the criterion; the shipped
criteria trees state their source and add up."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from motcua.core.errors import ValidationFailed
from motcua.reform.models import ParCriterion, ParTemplate
from motcua.reform.par_rules import RuleError, points, validate
from motcua.reform.par_templates import shipped, template_load, templates_load

D = Decimal


def pts(rule: dict, top: str, value: str | None) -> Decimal | None:
    return points(
        validate(rule, D(top), "Tiêu chí 9.9"), D(top), None if value is None else D(value)
    )


@pytest.mark.parametrize(
    ("rule", "top", "value", "expected"),
    [
        ({"kind": "yes_no"}, "2", "1", "2.00"),
        ({"kind": "yes_no"}, "2", "0", "0.00"),
        ({"kind": "threshold", "min": 90}, "3", "90", "3.00"),
        ({"kind": "threshold", "min": 90}, "3", "89.99", "0.00"),
        ({"kind": "proportional", "full_at": 100}, "3", "80", "2.40"),
        ({"kind": "proportional", "zero_at": 50, "full_at": 100}, "4", "40", "0.00"),
        ({"kind": "proportional", "zero_at": 50, "full_at": 100}, "4", "120", "4.00"),
        ({"kind": "proportional", "zero_at": 10, "full_at": 0}, "2", "5", "1.00"),  # less is better
        (
            {"kind": "tiers", "tiers": [{"min": 100, "points": 4}, {"min": 95, "points": 2}]},
            "4",
            "96",
            "2.00",
        ),
        (
            {"kind": "tiers", "tiers": [{"min": 100, "points": 4}], "else": 1},
            "4",
            "10",
            "1.00",
        ),
        ({"kind": "deduction", "per_item": 0.1}, "2", "3", "1.70"),
        ({"kind": "deduction", "per_item": 0.5, "floor": 0.5}, "2", "9", "0.50"),
        ({"kind": "manual"}, "2", "1", None),
        ({"kind": "tiers", "tiers": [{"min": 1, "points": 1}]}, "1", None, None),
    ],
)
def test_each_kind_scores(rule: dict, top: str, value: str | None, expected: str | None) -> None:
    got = pts(rule, top, value)
    assert got == (None if expected is None else D(expected))


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("__import__('os').system('id')", "đối tượng JSON"),
        ({"kind": "eval", "expr": "1+1"}, "không được hỗ trợ"),
        ({"kind": "threshold"}, "thiếu tham số min"),
        ({"kind": "threshold", "min": "chín mươi"}, "phải là một số"),
        ({"kind": "threshold", "min": True}, "phải là một số"),
        ({"kind": "threshold", "min": "NaN"}, "không hợp lệ"),
        ({"kind": "threshold", "min": 90, "extra": 1}, "không có tham số extra"),
        ({"kind": "proportional", "zero_at": 5, "full_at": 5}, "phải khác nhau"),
        ({"kind": "tiers", "tiers": []}, "danh sách"),
        (
            {"kind": "tiers", "tiers": [{"min": 50, "points": 1}, {"min": 80, "points": 2}]},
            "giảm dần",
        ),
        ({"kind": "tiers", "tiers": [{"min": 50, "points": 9}]}, "từ 0 đến điểm tối đa"),
        ({"kind": "tiers", "tiers": [{"min": 50}]}, "«min» và «points»"),
        ({"kind": "deduction", "per_item": 0}, "lớn hơn 0"),
        ({"kind": "deduction", "per_item": 1, "floor": 7}, "«floor»"),
    ],
)
def test_bad_rules_are_refused_naming_the_criterion(rule: object, fragment: str) -> None:
    with pytest.raises(RuleError) as exc:
        validate(rule, D("4"), "Tiêu chí 3.2 «Tỷ lệ đúng hạn»")
    assert exc.value.message.startswith("Tiêu chí 3.2 «Tỷ lệ đúng hạn»")
    assert fragment in exc.value.message


@pytest.mark.django_db
def test_a_bad_rule_is_never_stored() -> None:
    t = ParTemplate.objects.create(
        code="t", name="Thử", group="so_nganh", year_from=2022, source="x"
    )
    c = ParCriterion(
        template=t, code="1.1", name="Kế hoạch", max_points=D(2), rule={"kind": "yes_no"}
    )
    c.save()
    c.rule = {"kind": "tiers", "tiers": [{"min": 90, "points": 5}]}
    with pytest.raises(ValidationError) as exc:
        c.save()
    assert "Tiêu chí 1.1 «Kế hoạch»" in exc.value.message_dict["rule"][0]
    c.refresh_from_db()
    assert c.rule == {"kind": "yes_no"}
    bad_metric = ParCriterion(
        template=t,
        code="1.2",
        name="Tự động",
        max_points=D(1),
        source="tu_dong",
        metric="khong_co",
        rule={"kind": "yes_no"},
    )
    with pytest.raises(ValidationError, match="khong_co"):
        bad_metric.save()
    assert not ParCriterion.objects.filter(code="1.2").exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_rule_in_vietnamese(admin_client: object) -> None:
    templates_load()
    c = ParCriterion.objects.get(template__code="par-so-nganh", code="3.2")
    r = admin_client.post(  # type: ignore[attr-defined]
        f"/admin/reform/parcriterion/{c.pk}/change/",
        {
            "template": c.template_id,
            "code": c.code,
            "name": c.name,
            "order": c.order,
            "max_points": "4",
            "source": "tu_dong",
            "metric": "on_time_rate",
            "rule": json.dumps({"kind": "threshold", "min": "nhiều"}),
            "evidence_hint": "",
            "origin": "",
        },
    )
    assert r.status_code == 200
    assert "Tiêu chí 3.2" in r.content.decode() and "phải là một số" in r.content.decode()
    c.refresh_from_db()
    assert c.rule["kind"] == "tiers"


def test_shipped_templates_state_their_source_and_add_up() -> None:
    groups = set()
    for t in shipped():
        groups.add(t["group"])
        assert "876/QĐ-BNV" in t["source"] and "cần đối chiếu" in t["source"]
        assert "REGULATIONS.md §8" in t["source_note"]
        assert sum(f["max"] for f in t["criteria"]) == 100
        survey = sum(f["max"] for f in t["criteria"] if f["code"] == "8")
        assert 30 <= survey <= 40  # about a third from surveys (§8)
    assert groups == {"so_nganh", "huyen", "xa"}


@pytest.mark.django_db
def test_loading_is_idempotent_and_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    out = StringIO()
    call_command("par_template_load", stdout=out)
    assert "par-so-nganh: đã nạp" in out.getvalue() and "tối đa 100 điểm" in out.getvalue()
    n = ParCriterion.objects.count()
    call_command("par_template_load", stdout=StringIO())
    assert ParCriterion.objects.count() == n
    data = shipped()[0]
    data["code"] = "bad"
    data["criteria"][0]["children"][0]["rule"] = {"kind": "threshold", "min": "x"}
    with pytest.raises(ValidationFailed, match=r"Tiêu chí 1.1"):
        template_load(data)
    data = shipped()[0]
    data["code"] = "bad-sum"
    data["criteria"][0]["max"] = 11
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="khác tổng"):
        call_command("par_template_load", tep=str(f), stdout=StringIO())
    assert not ParTemplate.objects.filter(code__startswith="bad").exists()
    assert ParCriterion.objects.count() == n


def test_rules_are_described_in_vietnamese() -> None:
    from motcua.reform.par_rules import describe

    assert describe({"kind": "deduction", "per_item": 0.5, "floor": 0}, D("2.00")) == (
        "2 điểm, trừ 0,5 mỗi trường hợp, tối thiểu 0"
    )
    tiers = {"kind": "tiers", "tiers": [{"min": 100, "points": 2}, {"min": 80, "points": 1}]}
    assert describe(tiers, D(2)) == "từ 100: 2; từ 80: 1; thấp hơn: 0"
