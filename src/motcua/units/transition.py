"""Carrying the old structure across a reorganisation (issue 11; docs/two-level.md, ADR h4).

Since 1 July 2025 there are no districts and 34 provinces. A province installing this system keeps
the dossiers received under the three-level structure; ``apply_transition`` maps every agency
abolished on ``as_of`` (district People's Committees and desks, the departments of a merged
province, any agency whose ``valid_to`` or whose unit's ``valid_to`` falls before ``as_of``) to
its successor and moves the dossiers still alive there, through
``dossiers.services.dossier_agencies_succeed`` (audited, one event per dossier, clocks unchanged).

The successor of an agency is, in this order: the mapping given by the caller (old code → new
code, the ``--map`` file), its ``Agency.successor`` (followed while that one is abolished too),
or the agency of the same kind and name in the unit its unit was merged into. All or nothing: if
an agency that still holds live dossiers has no successor, nothing changes and the Vietnamese
reason names every such agency. Running it twice moves nothing the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from motcua.audit.services import audit_record
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.units.models import AdministrativeUnit, Agency, Role
from motcua.units.selectors import unit_current

Actor = Any  # a user, or None for the system (the command line)


@dataclass
class Succession:
    """One abolished agency and what happens to it."""

    agency: Agency
    successor: Agency | None
    source: str  # "mapping", "agency", "unit", "" (none found)
    live_dossiers: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.agency.code,
            "name": self.agency.name,
            "successor_code": self.successor.code if self.successor else None,
            "successor_name": self.successor.name if self.successor else None,
            "source": self.source,
            "live_dossiers": self.live_dossiers,
        }


@dataclass
class TransitionResult:
    as_of: dt.date
    dry_run: bool
    successions: list[Succession] = field(default_factory=list)
    moved_dossiers: int = 0
    moved_steps: int = 0
    agencies_closed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "abolished_agencies": len(self.successions),
            "with_live_dossiers": sum(1 for s in self.successions if s.live_dossiers),
            "moved_dossiers": self.moved_dossiers,
            "moved_steps": self.moved_steps,
            "agencies_closed": self.agencies_closed,
            "agencies": [s.as_dict() for s in self.successions],
        }


# ---- the mapping file ---------------------------------------------------------------------------

MAP_HEADER = ("ma_co_quan_cu", "ma_co_quan_moi")


def parse_mapping_csv(text: str) -> dict[str, str]:
    """``ma_co_quan_cu,ma_co_quan_moi`` per line (the header is optional; ``;`` also separates).
    Raises ValidationFailed with every bad line named."""
    rows: dict[str, str] = {}
    errors: list[str] = []
    sample = text.lstrip("\ufeff")
    dialect = ";" if sample.count(";") > sample.count(",") else ","
    for n, row in enumerate(csv.reader(io.StringIO(sample), delimiter=dialect), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if n == 1 and tuple(c.lower() for c in cells[:2]) == MAP_HEADER:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            errors.append(f"dòng {n}: cần hai cột mã cơ quan cũ, mã cơ quan mới")
            continue
        old, new = cells[0], cells[1]
        if old in rows and rows[old] != new:
            errors.append(f"dòng {n}: cơ quan {old} được ánh xạ tới hai cơ quan khác nhau")
            continue
        rows[old] = new
    if errors:
        raise ValidationFailed(
            "Tệp ánh xạ không hợp lệ: " + "; ".join(errors), code="bad_mapping", details=errors
        )
    return rows


# ---- deciding the successors -------------------------------------------------------------------


def _abolished_on(agency: Agency, as_of: dt.date) -> bool:
    if agency.valid_to is not None and agency.valid_to < as_of:
        return True
    unit = agency.unit
    return unit.valid_to is not None and unit.valid_to < as_of


def _strip_place(name: str, unit: AdministrativeUnit) -> str:
    """'Sở Tư pháp tỉnh Bình Phước' → 'sở tư pháp' (the agency's function without its place)."""
    lowered = name.lower()
    place = unit.name.lower()
    bare = re.sub(r"^(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+", "", place)
    for token in (place, bare):
        lowered = lowered.replace(token, "")
    lowered = re.sub(r"\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)?\s*$", "", lowered)
    return " ".join(lowered.split())


def _by_unit(agency: Agency, as_of: dt.date) -> Agency | None:
    """The agency of the same kind and function in the unit ``agency``'s unit was merged into."""
    unit = agency.unit
    target = unit_current(unit, on=as_of)
    if target.pk == unit.pk:
        return None
    candidates = [
        a
        for a in Agency.objects.filter(unit=target, kind=agency.kind, level=agency.level)
        if not _abolished_on(a, as_of)
    ]
    wanted = _strip_place(agency.name, unit)
    same = [a for a in candidates if _strip_place(a.name, target) == wanted]
    if len(same) == 1:
        return same[0]
    if len(candidates) == 1 and agency.kind in ("ubnd", "trung_tam"):
        return candidates[0]  # one People's Committee, one Service Center per province
    return None


def _resolve(
    agency: Agency, as_of: dt.date, mapped: dict[str, Agency]
) -> tuple[Agency | None, str]:
    if agency.code in mapped:
        return mapped[agency.code], "mapping"
    seen = {agency.pk}
    walk = agency
    source = ""
    while True:
        nxt: Agency | None = None
        if walk.code in mapped and walk is not agency:
            return mapped[walk.code], source or "mapping"
        if walk.successor_id is not None:
            nxt, kind = walk.successor, "agency"
        else:
            nxt, kind = _by_unit(walk, as_of), "unit"
        if nxt is None or nxt.pk in seen:
            return None, ""
        source = source or kind
        if not _abolished_on(nxt, as_of):
            return nxt, source
        seen.add(nxt.pk)
        walk = nxt


def _mapped_agencies(mapping: dict[str, str], as_of: dt.date) -> dict[str, Agency]:
    codes = set(mapping) | set(mapping.values())
    known = {a.code: a for a in Agency.objects.select_related("unit").filter(code__in=codes)}
    errors = []
    for old, new in sorted(mapping.items()):
        if old not in known:
            errors.append(f"không có cơ quan mã {old}")
        if new not in known:
            errors.append(f"không có cơ quan kế thừa mã {new}")
        elif _abolished_on(known[new], as_of):
            errors.append(f"cơ quan kế thừa {new} ({known[new].name}) cũng đã hết hiệu lực")
        if old == new:
            errors.append(f"cơ quan {old} không thể kế thừa chính nó")
    if errors:
        raise ValidationFailed(
            "Tệp ánh xạ không dùng được: " + "; ".join(errors), code="bad_mapping", details=errors
        )
    return {old: known[new] for old, new in mapping.items()}


def _live_counts(ids: list[int]) -> dict[int, int]:
    """Live dossiers held by each agency (as desk, lead agency, open step or open consultation)."""
    from motcua.dossiers.models import Consultation, Dossier, DossierStep, StepStatus
    from motcua.dossiers.services.succession import LIVE_STATUSES

    held: dict[int, set[int]] = {}
    live = Dossier.objects.filter(status__in=LIVE_STATUSES)
    for column in ("receiving_agency_id", "processing_agency_id"):
        for agency_id, dossier_id in live.filter(**{f"{column}__in": ids}).values_list(
            column, "pk"
        ):
            held.setdefault(agency_id, set()).add(dossier_id)
    steps = DossierStep.objects.filter(
        agency_id__in=ids,
        status__in=(StepStatus.PENDING, StepStatus.ACTIVE),
        dossier__status__in=LIVE_STATUSES,
    ).values_list("agency_id", "dossier_id")
    consults = Consultation.objects.filter(
        to_agency_id__in=ids, answered_at__isnull=True, dossier__status__in=LIVE_STATUSES
    ).values_list("to_agency_id", "dossier_id")
    for agency_id, dossier_id in [*steps, *consults]:
        held.setdefault(agency_id, set()).add(dossier_id)
    return {k: len(v) for k, v in held.items()}


def transition_plan(as_of: dt.date, mapping: dict[str, str] | None = None) -> list[Succession]:
    """The abolished agencies with their successors and live-dossier counts (reads only)."""
    mapped = _mapped_agencies(mapping or {}, as_of)
    candidates = Agency.objects.select_related("unit", "successor").filter(
        Q(valid_to__lt=as_of) | Q(unit__valid_to__lt=as_of) | Q(code__in=list(mapped))
    )
    plan = []
    for agency in candidates.order_by("level", "code"):
        successor, source = _resolve(agency, as_of, mapped)
        plan.append(Succession(agency, successor, source))
    counts = _live_counts([s.agency.pk for s in plan])
    for s in plan:
        s.live_dossiers = counts.get(s.agency.pk, 0)
    return plan


def _require_authority(actor: Actor, plan: list[Succession]) -> None:
    if actor is None:
        return  # the system: the command line, run by the operator
    from motcua.dossiers.access import agency_ids_for

    allowed = agency_ids_for(actor, [Role.PROVINCE_ADMIN])
    if allowed is None:
        return
    needed = {s.agency.pk for s in plan} | {s.successor.pk for s in plan if s.successor}
    if not allowed or not needed <= allowed:
        raise PermissionDenied(
            "Chỉ quản trị cấp tỉnh của các cơ quan liên quan mới được chuyển đổi cơ cấu",
            code="permission_denied",
        )


def apply_transition(
    as_of: dt.date,
    mapping: dict[str, str] | None = None,
    *,
    actor: Actor = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> TransitionResult:
    """Map every agency abolished on ``as_of`` to its successor and move the live dossiers.

    ``mapping``: old agency code → successor code (wins over ``Agency.successor`` and the units'
    successors). Refuses (``ValidationFailed`` code ``no_successor``, nothing changed) when an
    agency holding live dossiers has no successor. ``dry_run``: the plan only, nothing written.
    ``now``: the instant of the events (default: the clock)."""
    plan = transition_plan(as_of, mapping)
    _require_authority(actor, plan)
    missing = [s for s in plan if s.successor is None and s.live_dossiers]
    if missing:
        names = "; ".join(
            f"{s.agency.code} {s.agency.name} ({s.live_dossiers} hồ sơ)" for s in missing
        )
        raise ValidationFailed(
            f"Không thể chuyển đổi cơ cấu từ ngày {as_of:%d/%m/%Y}: {len(missing)} cơ quan còn hồ "
            f"sơ đang giải quyết nhưng chưa có cơ quan kế thừa: {names}. Hãy khai báo cơ quan "
            "kế thừa hoặc bổ sung tệp ánh xạ (--map); chưa có thay đổi nào.",
            code="no_successor",
            details=[s.agency.code for s in missing],
        )
    result = TransitionResult(as_of=as_of, dry_run=dry_run, successions=plan)
    if dry_run:
        result.moved_dossiers = len(_live_dossier_ids(plan))
        return result
    with transaction.atomic():
        _apply(result, actor=actor, now=now)
    return result


def _live_dossier_ids(plan: list[Succession]) -> list[int]:
    from motcua.dossiers.models import Consultation, Dossier, DossierStep, StepStatus
    from motcua.dossiers.services.succession import LIVE_STATUSES

    ids = [s.agency.pk for s in plan if s.successor is not None]
    if not ids:
        return []
    steps = DossierStep.objects.filter(
        agency_id__in=ids, status__in=(StepStatus.PENDING, StepStatus.ACTIVE)
    ).values("dossier_id")
    consults = Consultation.objects.filter(to_agency_id__in=ids, answered_at__isnull=True).values(
        "dossier_id"
    )
    return list(
        Dossier.objects.filter(status__in=LIVE_STATUSES)
        .filter(
            Q(receiving_agency_id__in=ids)
            | Q(processing_agency_id__in=ids)
            | Q(pk__in=steps)
            | Q(pk__in=consults)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _apply(result: TransitionResult, *, actor: Actor, now: dt.datetime | None) -> None:
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import dossier_agencies_succeed

    successors = {s.agency.pk: s.successor for s in result.successions if s.successor}
    for pk in _live_dossier_ids(result.successions):
        moves = dossier_agencies_succeed(
            actor=actor,
            dossier=Dossier(pk=pk),
            successors=successors,  # type: ignore[arg-type]
            effective=result.as_of,
            now=now,
        )
        if moves:
            result.moved_dossiers += 1
            result.moved_steps += len(moves.get("steps", []))  # type: ignore[arg-type]
    last_day = result.as_of - dt.timedelta(days=1)
    for s in result.successions:
        a = s.agency
        before = {
            "valid_to": a.valid_to,
            "successor": a.successor_id,
            "receives_dossiers": a.receives_dossiers,
        }
        if a.valid_to is None or a.valid_to >= result.as_of:
            a.valid_to = last_day
        if s.successor is not None and a.successor_id is None:
            a.successor = s.successor
        a.receives_dossiers = False  # an abolished desk takes no new dossier
        after = {
            "valid_to": a.valid_to,
            "successor": a.successor_id,
            "receives_dossiers": a.receives_dossiers,
        }
        if after != before:
            a.save(update_fields=["valid_to", "successor", "receives_dossiers"])
            result.agencies_closed += 1
            audit_record(
                actor=actor,
                action="units.agency_succession",
                object_type="Agency",
                object_id=a.pk,
                before=before,
                after=after,
            )
    audit_record(
        actor=actor,
        action="units.transition",
        object_type="Agency",
        object_id=result.as_of.isoformat(),
        after={k: v for k, v in result.as_dict().items() if k != "agencies"},
    )
