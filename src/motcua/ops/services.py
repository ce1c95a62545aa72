"""The morning warnings: one Outbox row a day per officer or leader with something due.

Each responsible person gets one message (topic ``staff.warning``, ``to_email`` and ``name`` in
the payload, delivered by ``motcua deliver-outbox``) listing:

* ``last_day`` — in-progress dossiers whose due instant falls within the next working day
  (the calendar of the receiving agency's province);
* ``overdue`` — in-progress dossiers already past their due instant;
* ``apology`` — dossiers whose apology (Mẫu 04) is due (``dossiers.selectors.apology_warnings``:
  only leaders sign it).

Who: the handler of each active step (the officer working on it) and the leaders of the
processing agency and of each agency with an active step. Idempotent per local day: a second run
the same day writes nothing new for the same person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierStep, Outbox, Status, StepStatus
from motcua.dossiers.selectors import apology_warnings
from motcua.dossiers.services._tx import calendar_for
from motcua.units.models import Membership, Role
from motcua.worktime import core as wt

TOPIC = "staff.warning"
KIND_LABELS = {
    "overdue": "Quá hạn",
    "last_day": "Đến hạn trong ngày làm việc tới",
    "apology": "Cần ban hành văn bản xin lỗi (Mẫu 04)",
}


def _item(kind: str, d: Dossier) -> dict[str, Any]:
    return {
        "kind": kind,
        "dossier_id": d.pk,
        "code": d.code,
        "procedure": d.procedure.name,
        "due_at": d.due_at.isoformat() if d.due_at else None,
    }


@transaction.atomic
def morning_warnings(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Write today's warnings; says how many people were warned and about how many dossiers."""
    moment = now or timezone.now()
    today = timezone.localdate(moment).isoformat()
    items: dict[int, dict[tuple[str, int], dict[str, Any]]] = defaultdict(dict)

    open_dossiers = (
        Dossier.objects.filter(status=Status.IN_PROGRESS, due_at__isnull=False)
        .filter(due_at__lte=moment + dt.timedelta(days=14))  # one working day is never longer
        .select_related("procedure", "receiving_agency__unit", "processing_agency")
        .order_by("due_at", "pk")
    )
    calendars: dict[int, wt.Calendar] = {}
    flagged: list[tuple[str, Dossier]] = []
    for d in open_dossiers.iterator(chunk_size=500):
        if d.due_at < moment:
            flagged.append(("overdue", d))
            continue
        cal = calendars.get(d.receiving_agency_id)
        if cal is None:
            cal = calendars[d.receiving_agency_id] = calendar_for(d.receiving_agency)
        if d.due_at <= wt.due(cal, moment, 1.0):
            flagged.append(("last_day", d))

    if flagged:
        ids = [d.pk for _, d in flagged]
        steps = DossierStep.objects.filter(dossier_id__in=ids, status=StepStatus.ACTIVE)
        handlers: dict[int, set[int]] = defaultdict(set)
        agencies: dict[int, set[int]] = defaultdict(set)
        for dossier_id, handler_id, agency_id in steps.values_list(
            "dossier_id", "handler_id", "agency_id"
        ):
            if handler_id:
                handlers[dossier_id].add(handler_id)
            agencies[dossier_id].add(agency_id)
        leaders: dict[int, set[int]] = defaultdict(set)
        for user_id, agency_id in Membership.objects.filter(
            role=Role.LEADER, active=True, user__is_active=True
        ).values_list("user_id", "agency_id"):
            leaders[agency_id].add(user_id)
        for kind, d in flagged:
            people = set(handlers[d.pk])
            for agency_id in agencies[d.pk] | {d.processing_agency_id or d.receiving_agency_id}:
                people |= leaders[agency_id]
            for user_id in people:
                items[user_id][(kind, d.pk)] = _item(kind, d)

    user_model = get_user_model()
    leader_ids = set(
        Membership.objects.filter(role=Role.LEADER, active=True).values_list("user_id", flat=True)
    )
    for leader in user_model.objects.filter(pk__in=leader_ids, is_active=True):
        for d in apology_warnings(leader, now=moment):
            items[leader.pk][("apology", d.pk)] = _item("apology", d)

    warned = dossiers = 0
    already = set(
        Outbox.objects.filter(topic=TOPIC, payload__date=today).values_list(
            "payload__user_id", flat=True
        )
    )
    users = user_model.objects.in_bulk(list(items))
    for user_id, rows in sorted(items.items()):
        user = users.get(user_id)
        if user is None or user_id in already or not user.is_active:
            continue
        Outbox.objects.create(
            topic=TOPIC,
            created_at=moment,
            payload={
                "date": today,
                "user_id": user_id,
                "to_email": user.email,
                "name": user.get_full_name() or user.get_username(),
                "items": sorted(rows.values(), key=lambda r: (r["kind"], r["due_at"] or "")),
            },
        )
        warned += 1
        dossiers += len(rows)
    return {"warned": warned, "items": dossiers}


def compose(payload: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of a warning e-mail."""
    from motcua.integrations.notifications import _when

    rows = payload.get("items", [])
    lines = [
        f"- {KIND_LABELS.get(r.get('kind', ''), r.get('kind', ''))}: hồ sơ "
        f"{r.get('code') or '(chưa cấp mã)'} — {r.get('procedure', '')}; "
        f"hạn {_when(r.get('due_at'))}"
        for r in rows
    ]
    return (
        f"Cảnh báo hồ sơ ngày {payload.get('date', '')}: {len(rows)} hồ sơ cần chú ý",
        f"Kính gửi {payload.get('name', '')},\n\nCác hồ sơ sau cần được xử lý:\n"
        + "\n".join(lines)
        + "\n\nThư tự động từ hệ thống Một Cửa.",
    )
