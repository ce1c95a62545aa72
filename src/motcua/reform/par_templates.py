"""The shipped PAR criteria trees (``reform/data/par/*.json``) and their loader.

A file is one template: its code, group, years, ``source`` (the decision it follows) and
``source_note`` (which parts come from REGULATIONS.md §8, which are the system's sample to be
verified), and the tree of ``criteria``: a heading has ``children``; a scored criterion has
``rule`` (``par_rules``), ``source`` (tu_cham / tu_dong / dieu_tra), ``metric`` for automatic
ones and ``evidence``. Loading validates every rule (``ParCriterion.save``) and the sums (a
heading's points = its children's), all or nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from motcua.core.errors import ValidationFailed
from motcua.reform.models import ParCriterion, ParTemplate

SHIPPED = ("so-nganh.json", "huyen.json", "xa.json")


def shipped() -> list[dict[str, Any]]:
    base = resources.files("motcua.reform").joinpath("data", "par")
    return [json.loads(base.joinpath(name).read_text("utf-8")) for name in SHIPPED]


def problems(template: ParTemplate) -> list[str]:
    """A heading whose points differ from the sum of its children's."""
    out = []
    crits = list(template.criteria.all())
    for c in crits:
        kids = [k for k in crits if k.parent_id == c.pk]
        if kids and not c.is_leaf():
            total = sum((k.max_points for k in kids), start=Decimal(0))
            if total != c.max_points:
                out.append(
                    f"{c.label}: điểm tối đa {c.max_points.normalize():f} khác tổng các tiêu chí "
                    f"con {total.normalize():f}"
                )
    return out


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(m for ms in exc.message_dict.values() for m in ms)
    return "; ".join(exc.messages)


def template_load(data: dict[str, Any], *, replace: bool = False) -> tuple[ParTemplate, bool]:
    """Create the template from ``data`` (kept as it is when its code exists, unless
    ``replace`` and it has no assessment yet). Returns (template, created)."""
    try:
        with transaction.atomic():
            t = ParTemplate.objects.filter(code=data["code"]).first()
            if t is not None and not replace:
                return t, False
            if t is not None:
                if t.assessments.exists():
                    raise ValidationFailed(
                        f"Bộ tiêu chí {t.code} đã có kết quả đánh giá, không nạp đè được",
                        code="par_template_used",
                    )
                t.criteria.all().delete()
            else:
                t = ParTemplate(code=data["code"])
            for k in ("name", "group", "year_from", "source"):
                setattr(t, k, data[k])
            t.year_to = data.get("year_to")
            t.source_note = data.get("source_note", "")
            t.full_clean()
            t.save()
            order = 0

            def add(items: list[dict[str, Any]], parent: ParCriterion | None) -> None:
                nonlocal order
                for item in items:
                    order += 1
                    c = ParCriterion(
                        template=t,
                        parent=parent,
                        code=item["code"],
                        name=item["name"],
                        order=order,
                        max_points=Decimal(str(item["max"])),
                        source=item.get("source", "tu_cham"),
                        metric=item.get("metric", ""),
                        rule=item.get("rule") or {},
                        evidence_required=bool(item.get("evidence_required")),
                        evidence_hint=item.get("evidence", ""),
                        origin=item.get("origin", ""),
                    )
                    c.save()
                    add(item.get("children", []), c)

            add(data["criteria"], None)
            bad = problems(t)
            if bad:
                raise ValidationFailed("; ".join(bad), code="par_template_sums")
    except ValidationError as exc:
        raise ValidationFailed(
            f"Bộ tiêu chí {data.get('code')}: {_message(exc)}", code="par_template_invalid"
        ) from None
    except KeyError as exc:
        raise ValidationFailed(
            f"Bộ tiêu chí {data.get('code')}: thiếu khóa {exc}", code="par_template_invalid"
        ) from None
    return t, True


def templates_load(*, replace: bool = False) -> dict[str, bool]:
    """Load the shipped templates; code → created."""
    return {d["code"]: template_load(d, replace=replace)[1] for d in shipped()}
