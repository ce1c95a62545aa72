"""Maintenance: recomputing due instants after a calendar change, sweeping orphan files."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Apology,
    Document,
    Dossier,
    EventType,
)
from motcua.dossiers.services._tx import (
    Actor,
    _event,
    _pauses,
    _save,
    calendar_for,
)
from motcua.worktime import core as wt
from motcua.worktime.calendars import calendar_get


@transaction.atomic
def dossiers_recompute_due(*, actor: Actor, calendar_code: str | None = None) -> dict[str, int]:
    """After a calendar change (a new swap day): recompute every open dossier's due instant from
    its clock start, time limit and pauses. Says how many moved."""
    moved = checked = 0
    open_qs = (
        Dossier.objects.filter(status__in=OPEN_STATUSES)
        .select_related("procedure", "receiving_agency__unit")
        .select_for_update()
    )
    for d in open_qs.iterator(chunk_size=500):
        cal = calendar_get(calendar_code) if calendar_code else calendar_for(d.receiving_agency)
        if d.clock_started_at is None:
            continue
        checked += 1
        new_due = wt.due(cal, d.clock_started_at, float(d.procedure.time_limit_days), _pauses(d))
        if new_due != d.due_at:
            old = d.due_at
            d.due_at = new_due
            fields = ["due_at"]
            if not Apology.objects.filter(dossier=d).exists():
                d.appointment_at = new_due
                fields.append("appointment_at")
            _save(d, *fields)
            _event(
                d,
                EventType.DUE_RECOMPUTED,
                actor=actor,
                at=timezone.now(),
                note="Tính lại hạn do thay đổi lịch làm việc",
                data={"old_due": old.isoformat() if old else None, "new_due": new_due.isoformat()},
            )
            moved += 1
    audit_record(
        actor=actor,
        action="dossiers.recompute_due",
        object_type="Calendar",
        object_id=calendar_code or "-",
        after={"checked": checked, "moved": moved},
    )
    return {"checked": checked, "moved": moved}


def files_sweep(
    *, older_than: dt.timedelta = dt.timedelta(hours=1), dry_run: bool = False
) -> dict[str, int]:
    """Delete stored files no document refers to (left by a transaction that rolled back after
    writing its upload), once they are older than ``older_than``. Says how many it removed."""
    from django.core.files.storage import default_storage

    referenced = set(Document.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    removed = kept = 0
    stack = ["dossiers"]
    while stack:
        folder = stack.pop()
        # no exists() first: an object store has no folders, only names with a prefix
        try:
            dirs, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        stack.extend(f"{folder}/{d}" for d in dirs)
        for name in files:
            path = f"{folder}/{name}"
            if path in referenced or default_storage.get_modified_time(path) > cutoff:
                kept += 1
                continue
            if not dry_run:
                default_storage.delete(path)
            removed += 1
    return {"removed": removed, "kept": kept}
