"""Reads over the catalog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet

from motcua.catalog.models import OnlineService, Procedure, ProcedureStatus
from motcua.catalog.services import DocumentSpec, FeeSpec, ProcedureSpec, StepSpec
from motcua.core.models import search_matching
from motcua.units.models import Level


def procedures_valid_on(day: dt.date) -> QuerySet[Procedure]:
    """Versions in force on ``day``: published (or since superseded) and within validity."""
    return Procedure.objects.exclude(status=ProcedureStatus.DRAFT).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )


def procedure_search(query: str, *, on: dt.date | None = None) -> QuerySet[Procedure]:
    """Search code and name without diacritics: 'thanh lap' finds 'Thành lập'."""
    qs = (
        procedures_valid_on(on)
        if on
        else Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
    )
    return search_matching(qs, query).select_related("field")


def procedure_to_spec(p: Procedure) -> ProcedureSpec:
    also = tuple(
        lv
        for lv, flag in (
            (Level.PROVINCE, p.at_province),
            (Level.DISTRICT, p.at_district),
            (Level.COMMUNE, p.at_commune),
        )
        if flag and lv != p.level
    )
    return ProcedureSpec(
        code=p.code,
        name=p.name,
        field_code=p.field.code,
        field_name=p.field.name,
        level=p.level,
        also_at=also,
        agency_code=p.agency.code if p.agency else "",
        agency_text=p.agency_text,
        local_code=p.local_code,
        time_limit_days=p.time_limit_days,
        result=p.result,
        result_kind=p.result_kind,
        online_service=p.online_service,
        legacy_online_level=p.legacy_online_level,
        is_inter_level=p.is_inter_level,
        is_vertical=p.is_vertical,
        pause_on_supplement=p.pause_on_supplement,
        prepayment=p.prepayment,
        national_portal=p.national_portal,
        legal_basis=p.legal_basis,
        status=p.status,
        valid_from=p.valid_from,
        valid_to=p.valid_to,
        decision=p.decision,
        documents=[
            DocumentSpec(d.name, d.originals, d.copies, d.mandatory) for d in p.documents.all()
        ],
        fees=[FeeSpec(f.name, f.amount_vnd) for f in p.fees.all()],
        steps=[
            StepSpec(s.name, s.role, s.budget_days, s.agency.code if s.agency else "", s.level)
            for s in p.steps.all()
        ],
    )


def catalog_specs(qs: QuerySet[Procedure] | None = None) -> Iterator[ProcedureSpec]:
    """Every procedure (latest version of each code by default) as specs, for export."""
    if qs is None:
        qs = Procedure.objects.all()
    qs = (
        qs.select_related("field", "agency")
        .prefetch_related("documents", "fees", "steps__agency")
        .order_by("code", "version")
    )
    latest: dict[str, Procedure] = {}
    for p in qs.iterator(chunk_size=500):
        latest[p.code] = p
    for p in latest.values():
        yield procedure_to_spec(p)


def catalog_counts(*, on: dt.date) -> dict[str, Any]:
    """Procedures in force by level, with vertical-sector, inter-level, online and
    national-portal-connected counts."""
    qs = procedures_valid_on(on)
    rows = qs.values("level").annotate(
        total=Count("id"),
        vertical=Count("id", filter=Q(is_vertical=True)),
        inter_level=Count("id", filter=Q(is_inter_level=True)),
        online=Count("id", filter=~Q(online_service=OnlineService.NONE)),
        online_full=Count("id", filter=Q(online_service=OnlineService.FULL)),
        national_portal=Count("id", filter=Q(national_portal=True)),
    )
    names = {Level.PROVINCE: "province", Level.DISTRICT: "district", Level.COMMUNE: "commune"}
    out: dict[str, Any] = {}
    keys = ("total", "vertical", "inter_level", "online", "online_full", "national_portal")
    total = dict.fromkeys(keys, 0)
    for r in rows:
        out[names[Level(r["level"])]] = {k: r[k] for k in keys}
        for k in keys:
            total[k] += r[k]
    out["total"] = total
    return out
