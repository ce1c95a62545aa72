"""What the rest of the project reads of the PAR index.

``ranking(year)`` returns one dict per assessed agency, best first:
``{"agency_code", "agency_name", "group", "group_label", "self_score", "final_score", "max_score",
"index_pct", "rank"}`` (``group``: the template the agency is scored on, e.g. departments or
communes; ``rank`` within the group, ties share a rank).

Only appraised assessments are ranked (the province's result); ``index_pct`` = 100 × final /
maximum, two decimals; agencies are ranked on it (equal indexes share a rank, the next rank skips:
1, 1, 3). Scores are floats.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from motcua.core.errors import NotFound, PermissionDenied
from motcua.dossiers.access import Actor, agency_ids_for
from motcua.reform.models import ParAssessment, ParGroup, ParStatus
from motcua.reform.par_services import appraised_agency_ids, self_agency_ids

CENT = Decimal("0.01")
GROUP_ORDER = [g.value for g in ParGroup]


def _pct(final: Decimal, top: Decimal) -> Decimal:
    if not top:
        return Decimal(0)
    return (Decimal(100) * final / top).quantize(CENT, rounding=ROUND_HALF_UP)


def ranking(year: int) -> list[dict]:
    rows = (
        ParAssessment.objects.filter(year=year, status=ParStatus.APPRAISED)
        .select_related("agency", "template")
        .order_by("agency__code")
    )
    by_group: dict[str, list[dict[str, Any]]] = {}
    for a in rows:
        g = a.template.group
        by_group.setdefault(g, []).append(
            {
                "agency_code": a.agency.code,
                "agency_name": a.agency.name,
                "group": g,
                "group_label": ParGroup(g).label,
                "self_score": float(a.self_total),
                "final_score": float(a.final_total),
                "max_score": float(a.max_total),
                "index_pct": float(_pct(a.final_total, a.max_total)),
                "rank": 0,
            }
        )
    out: list[dict] = []
    for g in sorted(by_group, key=lambda k: GROUP_ORDER.index(k) if k in GROUP_ORDER else 99):
        items = sorted(by_group[g], key=lambda r: (-r["index_pct"], r["agency_code"]))
        previous, rank = None, 0
        for i, r in enumerate(items, 1):
            if r["index_pct"] != previous:
                rank, previous = i, r["index_pct"]
            r["rank"] = rank
        out.extend(items)
    return out


def years() -> list[int]:
    return sorted(set(ParAssessment.objects.values_list("year", flat=True)), reverse=True)


def compare(year_a: int, year_b: int) -> list[dict[str, Any]]:
    """Year-on-year: per agency ranked in either year, both indexes and ranks, the change of
    the index (points of %) and of the rank (positive: moved up); None when absent in a year."""
    a = {r["agency_code"]: r for r in ranking(year_a)}
    b = {r["agency_code"]: r for r in ranking(year_b)}
    out = []
    for code in sorted(set(a) | set(b)):
        ra, rb = a.get(code), b.get(code)
        base = rb or ra or {}
        pa = ra["index_pct"] if ra else None
        pb = rb["index_pct"] if rb else None
        same_group = ra is not None and rb is not None and ra["group"] == rb["group"]
        out.append(
            {
                "agency_code": code,
                "agency_name": base["agency_name"],
                "group": base["group"],
                "group_label": base["group_label"],
                "index_a": pa,
                "index_b": pb,
                "rank_a": ra["rank"] if ra else None,
                "rank_b": rb["rank"] if rb else None,
                "change": round(pb - pa, 2) if pa is not None and pb is not None else None,
                "rank_change": (ra["rank"] - rb["rank"]) if same_group and ra and rb else None,
            }
        )
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    return sorted(
        out,
        key=lambda r: (
            order.get(r["group"], 99),
            r["rank_b"] if r["rank_b"] is not None else 10**6,
            r["agency_code"],
        ),
    )


# ---- permission-scoped reads for the pages ---------------------------------------------------


def require_reader(actor: Actor | None) -> None:
    """The ranking and comparison: any staff member with a role (or a superuser)."""
    ids = agency_ids_for(actor)
    if ids is not None and not ids:
        raise PermissionDenied(
            "Trang Chỉ số CCHC dành cho cán bộ, công chức có vai trò", code="permission_denied"
        )


def own_assessments(actor: Actor | None, year: int | None = None) -> list[ParAssessment]:
    ids = self_agency_ids(actor)
    qs = ParAssessment.objects.select_related("agency", "template")
    if ids is not None:
        qs = qs.filter(agency_id__in=ids)
    if year is not None:
        qs = qs.filter(year=year)
    return list(qs.order_by("-year", "agency__code"))


def self_assessment_get(actor: Actor | None, pk: int) -> ParAssessment:
    """The assessment for its own agency's scorer; anyone else: not found (nothing revealed)."""
    ids = self_agency_ids(actor)
    a = ParAssessment.objects.select_related("agency", "template").filter(pk=pk).first()
    if a is None or (ids is not None and a.agency_id not in ids):
        raise NotFound("Không tìm thấy bản tự đánh giá", code="par_not_found")
    return a


def appraisal_queue(actor: Actor | None, year: int | None = None) -> list[ParAssessment]:
    ids = appraised_agency_ids(actor)
    if ids is not None and not ids:
        raise PermissionDenied(
            "Trang thẩm định dành cho quản trị cấp tỉnh", code="permission_denied"
        )
    qs = ParAssessment.objects.select_related("agency", "template")
    if ids is not None:
        qs = qs.filter(agency_id__in=ids)
    if year is not None:
        qs = qs.filter(year=year)
    return list(qs.order_by("-year", "template__group", "agency__code"))


def appraisal_get(actor: Actor | None, pk: int) -> ParAssessment:
    ids = appraised_agency_ids(actor)
    if ids is not None and not ids:
        raise PermissionDenied(
            "Trang thẩm định dành cho quản trị cấp tỉnh", code="permission_denied"
        )
    a = ParAssessment.objects.select_related("agency", "template").filter(pk=pk).first()
    if a is None or (ids is not None and a.agency_id not in ids):
        raise NotFound("Không tìm thấy kết quả tự đánh giá", code="par_not_found")
    return a


def tree(a: ParAssessment) -> list[dict[str, Any]]:
    """The template's rows in order, headings and scored criteria, with the assessment's score
    on each scored row and the sums on the headings."""
    crits = list(a.template.criteria.order_by("order", "code"))
    scores = {s.criterion_id: s for s in a.scores.all()}
    children: dict[int | None, list] = {}
    for c in crits:
        children.setdefault(c.parent_id, []).append(c)
    rows: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> tuple[Decimal, Decimal]:
        self_sum = final_sum = Decimal(0)
        for c in children.get(parent, []):
            row: dict[str, Any] = {"c": c, "depth": depth, "score": scores.get(c.pk)}
            rows.append(row)
            if c.is_leaf():
                s = row["score"]
                sp = (s.self_points or Decimal(0)) if s else Decimal(0)
                fp = s.points if s else Decimal(0)
            else:
                sp, fp = walk(c.pk, depth + 1)
            row["self_sum"], row["final_sum"] = sp, fp
            self_sum += sp
            final_sum += fp
        return self_sum, final_sum

    walk(None, 0)
    return rows
