"""Carrying an open dossier across a reorganisation: its abolished agencies give way to their
successors (issue 11, two-level local government since 1 July 2025; docs/two-level.md).

Nothing of the dossier's clock changes: receipt, hand-over, clock start, due instant, pauses and
the due instants of its steps stay as they were; the steps already done keep the agency that did
them. What moves: the receiving desk and the lead agency (their values at receipt are kept in
``origin_*`` for the statistics and the tracking book), the steps not yet done (the queues) and
the consultations not yet answered. One ``agency_succession`` event, audited, records the move.

``motcua.units.transition.apply_transition`` decides the successors and calls this per dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction

from motcua.dossiers.models import (
    Consultation,
    Dossier,
    EventType,
    StepStatus,
)
from motcua.dossiers.services._tx import Actor, _event, _lock, _now, _outbox, _save
from motcua.units.models import Agency

#: Statuses of a dossier that is still alive at a desk or an agency (before receipt too).
LIVE_STATUSES = ("submitted", "needs_completion", "in_progress", "awaiting_supplement")


@transaction.atomic
def dossier_agencies_succeed(
    *,
    actor: Actor,
    dossier: Dossier,
    successors: Mapping[int, Agency],
    effective: dt.date,
    now: dt.datetime | None = None,
) -> dict[str, object] | None:
    """Move what of ``dossier`` is held by an abolished agency (a key of ``successors``, by pk)
    to its successor. Returns what moved (None when nothing did: the call is idempotent).

    The caller (the transition) checks the actor's authority over the province; this function
    changes only the agency columns, never the status or a time."""
    at = _now(now)
    d = _lock(dossier, None)
    if d.status not in LIVE_STATUSES:
        return None
    moves: dict[str, object] = {}
    fields: list[str] = []
    received = d.received_at is not None
    for column in ("receiving_agency", "processing_agency"):
        old_id = getattr(d, f"{column}_id")
        new = successors.get(old_id)
        if new is None or new.pk == old_id:
            continue
        if received and getattr(d, f"origin_{column}_id") is None:
            # the structure in force at receipt: statistics and the tracking book keep it
            setattr(d, f"origin_{column}_id", old_id)
            fields.append(f"origin_{column}")
        setattr(d, column, new)
        fields.append(column)
        moves[column] = {"from": _code(old_id), "to": new.code}
    steps = []
    for step in d.steps.filter(status__in=(StepStatus.PENDING, StepStatus.ACTIVE)):
        new = successors.get(step.agency_id)
        if new is None or new.pk == step.agency_id:
            continue
        steps.append({"step": step.pk, "order": step.order, "from": _code(step.agency_id)})
        steps[-1]["to"] = new.code
        step.agency = new
        step.save(update_fields=["agency"])  # due_at, started_at, handler: unchanged
    if steps:
        moves["steps"] = steps
    consultations = []
    for c in Consultation.objects.filter(dossier=d, answered_at__isnull=True):
        new = successors.get(c.to_agency_id)
        if new is None or new.pk == c.to_agency_id:
            continue
        consultations.append({"consultation": c.pk, "from": _code(c.to_agency_id), "to": new.code})
        c.to_agency = new
        c.save(update_fields=["to_agency"])
    if consultations:
        moves["consultations"] = consultations
    if not moves:
        return None
    _save(d, *fields)
    _event(
        d,
        EventType.AGENCY_SUCCESSION,
        actor=actor,
        at=at,
        agency=d.processing_agency,
        note=(
            "Sắp xếp đơn vị hành chính từ ngày "
            f"{effective:%d/%m/%Y}: hồ sơ chuyển sang cơ quan kế thừa; thời hạn giải quyết "
            "giữ nguyên"
        ),
        data={"effective": effective.isoformat(), **moves},
    )
    _outbox(
        "dossier.agency_succession",
        d,
        at,
        effective=effective.isoformat(),
        processing_agency=d.processing_agency.code,
        receiving_agency=d.receiving_agency.code,
    )
    return moves


def _code(agency_id: int) -> str:
    return Agency.objects.filter(pk=agency_id).values_list("code", flat=True).first() or ""
