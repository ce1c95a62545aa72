"""Cross-check of the dossier event log against the audit chain.

Every ``DossierEvent`` written since the chain covers them has an entry (``DossierEvent``, its
id) holding every field of the event; the chain protects the entry, this check protects the
event row: an event edited, deleted, or inserted behind the services' back is reported. Events
older than the first one with an entry (written before the upgrade) are counted as unsealed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from motcua.audit.models import AuditEntry

FIELDS = ("dossier_id", "type", "actor_id", "agency_id", "from_status", "to_status", "note")


@dataclass(frozen=True)
class EventsVerdict:
    ok: bool
    checked: int
    unsealed: int  # events older than the chain's coverage
    event_id: int | None = None
    code: str = ""
    message: str = ""

    def line(self) -> str:
        if self.ok:
            extra = f"; {self.unsealed} sự kiện cũ chưa có trong chuỗi" if self.unsealed else ""
            return f"Nhật ký sự kiện hồ sơ khớp chuỗi kiểm toán: {self.checked} sự kiện{extra}."
        return (
            f"Nhật ký sự kiện hồ sơ BỊ SỬA: sự kiện id {self.event_id} — {self.message} "
            f"[{self.code}]"
        )


#: Django's JSON encoder writes a time to the millisecond (it cuts the microseconds): the shape
#: of the entries written before events kept every digit (2026-12-02).
_MILLISECONDS = re.compile(r"\.\d{3}(?:Z|[+-]\d\d:\d\d)$")


def _same_instant(a: Any, b: dt.datetime) -> bool:
    """The event's time is the one its entry recorded: to the microsecond, or to the millisecond
    where the entry kept only milliseconds."""
    text = str(a)
    try:
        recorded = dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    if recorded == b:
        return True
    return bool(_MILLISECONDS.search(text)) and recorded == b.replace(
        microsecond=b.microsecond // 1000 * 1000
    )


def _mismatch(entry_after: dict[str, Any], ev: Any) -> str | None:
    for f in FIELDS:
        if entry_after.get(f) != getattr(ev, f):
            return f
    if not _same_instant(entry_after.get("at"), ev.at):
        return "at"
    if entry_after.get("data") != ev.data:
        return "data"
    # a deleted step leaves the event's step empty (SET_NULL): only a different step is a change
    if ev.step_id is not None and entry_after.get("step_id") != ev.step_id:
        return "step_id"
    return None


def events_verify(*, chunk: int = 5000) -> EventsVerdict:
    from motcua.dossiers.models import DossierEvent

    sealed = AuditEntry.objects.filter(object_type="DossierEvent")
    first = sealed.order_by("seq").values_list("object_id", flat=True).first()
    if first is None:
        return EventsVerdict(True, 0, DossierEvent.objects.count())
    baseline = int(first)
    unsealed = DossierEvent.objects.filter(pk__lt=baseline).count()
    checked = 0
    last = baseline - 1
    seen_ids: set[int] = set()
    while True:
        events = list(DossierEvent.objects.filter(pk__gt=last).order_by("pk")[:chunk])
        if not events:
            break
        last = events[-1].pk
        entries = {
            int(e.object_id): e.after
            for e in sealed.filter(object_id__in=[str(ev.pk) for ev in events]).only(
                "object_id", "after"
            )
        }
        for ev in events:
            after = entries.get(ev.pk)
            if after is None:
                return EventsVerdict(
                    False,
                    checked,
                    unsealed,
                    ev.pk,
                    "unsealed_event",
                    "sự kiện không có trong chuỗi kiểm toán (bị chèn ngoài nghiệp vụ)",
                )
            field = _mismatch(after, ev)
            if field is not None:
                return EventsVerdict(
                    False,
                    checked,
                    unsealed,
                    ev.pk,
                    "edited_event",
                    f"trường {field} khác với bản ghi trong chuỗi kiểm toán (bị sửa)",
                )
            seen_ids.add(ev.pk)
            checked += 1
    # entries whose event row is gone
    for object_id in sealed.values_list("object_id", flat=True).iterator(chunk_size=chunk):
        if int(object_id) not in seen_ids:
            return EventsVerdict(
                False,
                checked,
                unsealed,
                int(object_id),
                "deleted_event",
                "sự kiện có trong chuỗi kiểm toán nhưng đã bị xóa",
            )
    return EventsVerdict(True, checked, unsealed)
