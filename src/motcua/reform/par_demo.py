"""Demo PAR index: the demo province's departments and districts assessed for 2021 and 2022.

Everything goes through ``par_services`` (as the system, ``actor=None``): the assessments are
opened (the automatic criteria measured on the demo dossiers: 2022 has the half-year of the
history; 2021 has none, so the agencies enter those values themselves as before the system),
self-scored with evidence, submitted, given survey results and a few appraisal adjustments with
comments, and appraised. Deterministic for a seed; idempotent (an agency-year already assessed
is left as it is).
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from motcua.reform import par_services as svc
from motcua.reform.models import ParAssessment, ParSource, ParStatus
from motcua.reform.par_templates import templates_load
from motcua.units.models import AdministrativeUnit, Agency, Level

YEARS = (2021, 2022)
COUNT_METRICS = {"late_count"}


def _agencies() -> list[Agency]:
    province = AdministrativeUnit.objects.filter(
        level=Level.PROVINCE, code="70", valid_from=None
    ).first()
    if province is None:
        return []
    qs = Agency.objects.filter(unit__in=[province, *province.children.all()]).order_by("code")
    return [a for a in qs if svc.group_of(a) in ("so_nganh", "huyen")]


def _value(rng: random.Random, kind: str, metric: str, bias: float) -> Decimal:
    if kind == "yes_no":
        return Decimal(1 if rng.random() < 0.8 + bias else 0)
    if kind == "deduction" or metric in COUNT_METRICS:
        return Decimal(max(0, int(rng.gauss(2 - 10 * bias, 1.5))))
    low = 55 + 100 * bias
    return Decimal(str(round(min(100.0, rng.uniform(low, 100)), 2)))


def _self_entries(a: ParAssessment, rng: random.Random, bias: float) -> dict[int, svc.SelfEntry]:
    out = {}
    short = a.agency.short_name or "UBND"
    for s in a.scores.select_related("criterion"):
        if not svc.self_editable(s):
            continue
        c = s.criterion
        kind = c.rule.get("kind", "manual")
        number = rng.randint(10, 250)
        evidence = f"Văn bản số {number}/BC-{short} ngày {rng.randint(1, 28)}/12/{a.year}"
        if kind == "manual":
            pts = (c.max_points * Decimal(str(rng.choice((0, 0.5, 1, 1))))).quantize(
                Decimal("0.01")
            )
            out[c.pk] = svc.SelfEntry(points=pts, evidence=evidence if pts else "")
        else:
            out[c.pk] = svc.SelfEntry(
                value=_value(rng, kind, c.metric, bias),
                evidence=evidence,
                note="Số liệu do cơ quan tổng hợp" if c.source == ParSource.AUTO else "",
            )
    return out


def _appraisal(a: ParAssessment, rng: random.Random, bias: float) -> dict[int, svc.Appraisal]:
    out = {}
    rows = list(a.scores.select_related("criterion"))
    for s in rows:
        if s.criterion.source == ParSource.SURVEY:
            out[s.criterion_id] = svc.Appraisal(
                value=Decimal(str(round(rng.uniform(70 + 40 * bias, 95), 2)))
            )
    scored = [s for s in rows if s.criterion.source == ParSource.SELF and (s.self_points or 0) > 0]
    for s in rng.sample(scored, k=min(len(scored), rng.randint(0, 3))):
        out[s.criterion_id] = svc.Appraisal(
            final_points=(s.self_points * Decimal("0.5")).quantize(Decimal("0.01")),
            comment="Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả; trừ một nửa số điểm.",
        )
    return out


def seed_par_demo(seed: int = 2022) -> dict[str, Any]:
    """Load the criteria trees and assess the demo agencies; returns counts."""
    templates = templates_load()
    done = skipped = 0
    for year in YEARS:
        bias = 0.05 * (year - YEARS[0])  # a little better each year
        for agency in _agencies():
            if ParAssessment.objects.filter(agency=agency, year=year).exists():
                skipped += 1
                continue
            rng = random.Random(f"{seed}-{agency.code}-{year}")  # noqa: S311 - demo data
            a = svc.assessment_open(None, agency, year)
            svc.self_save(None, a, _self_entries(a, rng, bias))
            svc.submit(None, a)
            svc.appraise(None, a, _appraisal(a, rng, bias))
            svc.finish(None, a)
            done += 1
    return {
        "templates": templates,
        "assessed": done,
        "kept": skipped,
        "appraised": ParAssessment.objects.filter(status=ParStatus.APPRAISED).count(),
    }
