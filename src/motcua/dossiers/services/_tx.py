"""Shared plumbing of the dossier services: clock, calendar, locking, events, outbox, forms, files.

Every function here checks the actor's permission and the dossier's state, locks the dossier,
writes the new state, one immutable event row and the outbox rows, all in one transaction. An
illegal transition raises a ``DomainError`` (Vietnamese message, stable code) and changes nothing.
Times come in as ``now`` (default: the clock) so that the demo and the tests can replay history.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.utils import timezone

from motcua.audit.services import audit_batch, audit_record
from motcua.core.deferred import deferred_inserts, insert
from motcua.core.errors import IllegalTransition, NotFound, ValidationFailed
from motcua.core.text import nfc, person_name
from motcua.dossiers import lookup_cache
from motcua.dossiers.files import CheckedFile
from motcua.dossiers.models import (
    Counter,
    Document,
    DocumentKind,
    Dossier,
    DossierEvent,
    DossierStep,
    IssuedForm,
    Outbox,
    StepKind,
    StepOutcome,
    StepStatus,
)
from motcua.reports.aggregates import aggregates_sync
from motcua.units.models import AdministrativeUnit, Agency
from motcua.worktime import core as wt
from motcua.worktime.calendars import calendar_compiled, calendar_get

Actor = AbstractBaseUser | AnonymousUser | None

# Decree 61/2018 Art. 16: counter dossiers received after 15:00 reach the processing agency at
# the start of the next working day. MOTCUA_HANDOVER_CUTOFF overrides it ("HH:MM"). The rule
# governs the hand-over; the legal time limit counts from receipt unless the working calendar
# says otherwise (``count_from_next_morning_after_cutoff``, ADR 0003).
HANDOVER_CUTOFF = getattr(settings, "MOTCUA_HANDOVER_CUTOFF", "15:00")


# ---- plumbing -----------------------------------------------------------------------------------

#: Dossiers whose daily counts are brought in line at the end of the operation
#: (``at_operation_end``)
_pending_counts: contextvars.ContextVar[dict[int, tuple[Dossier, bool]] | None] = (
    contextvars.ContextVar("motcua_pending_counts", default=None)
)


#: the attribute of a dossier object created in this process (``_new_dossier``) that lists the
#: steps and events written for it through that same object: the API's answer to a creation
#: shows them without reading them back (``written``; issue 9)
_WRITTEN = "_motcua_written"


def track_written(dossier: Dossier) -> None:
    """From now on the steps and events written for this object are listed on it (a dossier
    just created: it has none yet)."""
    setattr(dossier, _WRITTEN, {"steps": [], "events": []})


def note_written(dossier: Dossier, kind: str, rows: Sequence[Any]) -> None:
    """Every place that creates steps (``kind`` "steps") or events ("events") calls this."""
    log = getattr(dossier, _WRITTEN, None)
    if log is not None:
        log[kind].extend(rows)


def written(dossier: Dossier) -> dict[str, list[Any]] | None:
    """The steps and events written for a dossier object since it was created here, in order;
    None for an object read from the database (what it has must be read too)."""
    return getattr(dossier, _WRITTEN, None)


def _aggregates(dossier: Dossier, *, apology: bool = False) -> None:
    """``aggregates_sync`` now, or once at the end of the enclosing ``at_operation_end``."""
    pending = _pending_counts.get()
    if pending is None:
        aggregates_sync(dossier, apology=apology)
        return
    earlier = pending.get(dossier.pk)
    pending[dossier.pk] = (dossier, apology or (earlier is not None and earlier[1]))


@contextmanager
def at_operation_end() -> Iterator[None]:
    """Inside the operation's transaction, work done once at its end instead of at each event:

    - the daily counts of each dossier changed within are brought in line once, with the dossier
      as it is at the end (an intake's receipt and its hand-over event were two syncs;
      ``aggregates_sync`` is idempotent, so one at the end gives the same counts);
    - the audit entries are appended to the chain together (``audit_batch``): the chain's head,
      one row every transaction of the system appends behind, is locked for the end of the
      transaction only, once;
    - the outbox rows are written in one statement (``core.deferred.insert``).

    Nested uses leave it to the outermost; an exception skips all three (the transaction
    rolls back anyway)."""
    if _pending_counts.get() is not None:
        yield
        return
    with audit_batch(), deferred_inserts():
        pending: dict[int, tuple[Dossier, bool]] = {}
        token = _pending_counts.set(pending)
        try:
            yield
        finally:
            _pending_counts.reset(token)
        for dossier, apology in pending.values():
            aggregates_sync(dossier, apology=apology)


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValidationFailed("Thời điểm thiếu múi giờ", code="naive_datetime")
    return moment


def calendar_for(agency: Agency) -> wt.Calendar:
    """The calendar of the agency's province (the first unit up the tree that names one)."""
    unit: AdministrativeUnit | None = agency.unit
    seen = 0
    while unit is not None and seen < 10:
        if unit.calendar_id is not None:  # the row itself (not read again by its code)
            return calendar_compiled(unit.calendar)  # type: ignore[arg-type]
        unit = unit.parent
        seen += 1
    return calendar_get()


def _label(actor: Actor) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "hệ thống"
    return person_name(actor)


def _real(actor: Actor) -> Any:
    return actor if actor is not None and getattr(actor, "pk", None) else None


def counter_next(scope: str, key: str) -> int:
    """Atomically increment and return a sequence (one SQL statement on both databases)."""
    table = Counter._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (scope, key, value) VALUES (%s, %s, 1) "  # noqa: S608 - table name is ours
            f"ON CONFLICT (scope, key) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [scope, key],
        )
        row = cur.fetchone()
    if row is None:  # pragma: no cover - RETURNING always yields the row
        raise RuntimeError("counter did not return a value")
    return int(row[0])


T = TypeVar("T")


def _required(value: T | None) -> T:
    """A value the state machine guarantees in this state; its absence is corrupt data."""
    if value is None:
        raise IllegalTransition("Dữ liệu hồ sơ không nhất quán", code="inconsistent_dossier")
    return value


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _event(
    dossier: Dossier,
    kind: str,
    *,
    actor: Actor,
    at: dt.datetime,
    before: str = "",
    after: str = "",
    note: str = "",
    step: DossierStep | None = None,
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=dossier,
        type=kind,
        at=at,
        actor=_real(actor),
        actor_label=_label(actor),
        agency=agency,
        from_status=before,
        to_status=after,
        step=step,
        note=nfc(note),
        data=data or {},
    )
    note_written(dossier, "events", [event])
    # the same change in the one audit chain, every field of the event (issue 9, docs/audit.md)
    audit_record(
        actor=actor,
        action=f"dossier.{kind}",
        object_type="DossierEvent",
        object_id=event.pk,
        label=event.actor_label,
        after={
            "dossier_id": dossier.pk,
            "code": dossier.code,
            "type": kind,
            # every digit: Django's JSON encoder would keep milliseconds, and the event keeps
            # microseconds (audit/events.py compares them)
            "at": at.astimezone(dt.UTC).isoformat(),
            "actor_id": event.actor_id,
            "agency_id": event.agency_id,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "step_id": event.step_id,
            "note": event.note,
            "data": event.data,
        },
    )
    if kind in PORTAL_EVENTS:
        _portal_sync(dossier, event)
    # the statistics' daily counts follow the change, in its transaction (reports/aggregates.py)
    _aggregates(dossier, apology=kind == "apology_issued")
    return event


#: The changes the national public-service portal must know (integrations.portal delivers them).
PORTAL_EVENTS = frozenset(
    {
        "submitted",
        "received",
        "returned_for_completion",
        "refused",
        "transferred",
        "supplement_requested",
        "supplement_received",
        "apology_issued",
        "resolved",
        "result_returned",
        "returned_unresolved",
        "withdrawn",
    }
)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _portal_sync(d: Dossier, event: DossierEvent) -> None:
    """One ``portal.sync`` row per change, in the change's transaction, with the dossier as it is
    now (a later change must not rewrite what an earlier message says). Written at the end of
    the operation when inside ``at_operation_end`` (``core.deferred``)."""
    insert(
        Outbox(
            topic="portal.sync",
            dossier=d,
            created_at=event.at,
            payload={
                "event": event.type,
                "event_row": event.pk,
                "at": event.at.isoformat(),
                "dossier_id": d.pk,
                "code": d.code,
                "status": d.status,
                "procedure": d.procedure.code,
                "channel": d.channel,
                "receiving_agency": d.receiving_agency.code,
                "processing_agency": d.processing_agency.code,
                "agency": event.agency.code if event.agency else None,
                "submitted_at": _iso(d.submitted_at),
                "received_at": _iso(d.received_at),
                "due_at": _iso(d.due_at),
                "appointment_at": _iso(d.appointment_at),
                "paused": d.paused_at is not None,
                "finished_at": _iso(d.finished_at),
                "returned_at": _iso(d.returned_at),
                "note": event.note,
                "data": event.data,
            },
        )
    )


def _outbox(topic: str, dossier: Dossier, at: dt.datetime, **payload: Any) -> None:
    insert(
        Outbox(
            topic=topic,
            dossier=dossier,
            created_at=at,
            payload={"code": dossier.code, "status": dossier.status, **payload},
        )
    )


def _lock(dossier: Dossier, expected_version: int | None) -> Dossier:
    locked = (
        Dossier.objects.select_for_update()
        .select_related("procedure", "receiving_agency__unit", "processing_agency__unit")
        .get(pk=dossier.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise IllegalTransition(
            "Hồ sơ vừa được cập nhật ở một trang khác hoặc bởi cán bộ khác. "
            "Vui lòng tải lại trang rồi thực hiện lại.",
            code="stale_dossier",
        )
    return locked


def _save(dossier: Dossier, *fields: str) -> None:
    """A new version of the dossier written (``fields``, or the whole row when it is new)."""
    dossier.version += 1
    dossier.refresh_search_text()
    if dossier.pk is None:
        dossier.save()
    else:
        dossier.save(update_fields=[*fields, "version", "search_text"])
    lookup_cache.changed(dossier.code)  # the public look-up's cached answer is void


def _require_owner(dossier: Dossier, account: Actor) -> None:
    """The applicant's own acts (online completion, supplement, cancel): only the account the
    dossier belongs to; anyone else is told it does not exist (no probing of other dossiers)."""
    if _real(account) is None or dossier.account_id != account.pk:  # type: ignore[union-attr]
        raise NotFound("Không tìm thấy hồ sơ", code="not_found")


def _require_status(dossier: Dossier, *allowed: str, action: str) -> None:
    if dossier.status not in allowed:
        raise IllegalTransition(
            f"Không thể {action}: hồ sơ đang ở trạng thái '{dossier.get_status_display()}'",
            code="illegal_transition",
        )


def _issue_form(
    dossier: Dossier,
    form: str,
    *,
    agency: Agency,
    actor: Actor,
    at: dt.datetime,
    data: dict[str, Any] | None = None,
) -> IssuedForm:
    year = _local(at).year
    number = counter_next("form", f"{agency.pk}:{form}:{year}")
    return IssuedForm.objects.create(
        dossier=dossier,
        form=form,
        number=number,
        year=year,
        agency=agency,
        issued_at=at,
        issued_by=_real(actor),
        data=data or {},
    )


def _pauses(dossier: Dossier) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in dossier.pauses]


def _outcome(step: DossierStep, finished: dt.datetime) -> str:
    if step.due_at is None:
        return StepOutcome.ON_TIME
    if finished > step.due_at:
        return StepOutcome.LATE
    if _local(finished).date() < _local(step.due_at).date():
        return StepOutcome.EARLY
    return StepOutcome.ON_TIME


#: the smallest budget a step can carry (the catalog's two decimals): a step passed on with
#: nothing left of its time is due at once, and has this much when it starts again (a redo, a
#: restart after a supplement)
MIN_BUDGET = Decimal("0.01")


def _step_seconds(step: DossierStep, cal: wt.Calendar) -> int:
    """The working seconds a step has from its start: exactly what was left of its time when it
    was passed on (``budget_seconds``; its ``budget_days`` shows them in hundredths of a day),
    else its budget in days (the catalog's). Every due instant of a step is counted from this."""
    if step.budget_seconds is not None:
        return step.budget_seconds
    return cal.budget_seconds(float(step.budget_days))


def _due_after(
    cal: wt.Calendar,
    start: dt.datetime,
    seconds: int,
    pauses: Sequence[tuple[dt.datetime, dt.datetime]] = (),
) -> dt.datetime:
    """``seconds`` of working time from ``start``, the ``pauses`` skipped."""
    pause_ts = [(wt.to_ts(a), wt.to_ts(b)) for a, b in pauses]
    return wt.from_ts(cal, wt.due_ts(cal, wt.to_ts(start), seconds, pause_ts))


def _start_step(dossier: Dossier, step: DossierStep, start: dt.datetime, cal: wt.Calendar) -> None:
    """The step starts (again: a redo, a restart) at ``start`` with the whole of its time, never
    less than MIN_BUDGET."""
    step.status = StepStatus.ACTIVE
    step.started_at = start
    least = cal.budget_seconds(float(MIN_BUDGET))
    step.due_at = _due_after(cal, start, max(_step_seconds(step, cal), least))
    step.save(update_fields=["status", "started_at", "due_at"])


def _save_file(
    dossier: Dossier,
    checked: CheckedFile,
    *,
    kind: str,
    actor: Actor,
    at: dt.datetime,
    required_document: str = "",
    signer: str = "",
    signed_at: dt.datetime | None = None,
    reused_from: Document | None = None,
) -> Document:
    doc = Document(
        reused_from=reused_from,
        dossier=dossier,
        kind=kind,
        required_document=nfc(required_document),
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        pages=checked.pages,
        uploaded_by=_real(actor),
        uploaded_at=at,
        signer=nfc(signer),
        signed_at=signed_at,
    )
    # a large upload is copied from its temporary file in chunks, never read whole
    doc.file.save(f"{checked.sha256[:16]}-{checked.name}", checked.content(), save=False)
    doc.save()
    # the statistics flags follow from what is attached
    if kind in (DocumentKind.INPUT_SCAN, DocumentKind.INPUT_ELECTRONIC) and not dossier.digitized:
        dossier.digitized = True
        dossier.save(update_fields=["digitized"])
    if kind == DocumentKind.RESULT_ELECTRONIC and not dossier.electronic_result:
        dossier.electronic_result = True
        dossier.save(update_fields=["electronic_result"])
    _aggregates(dossier)
    return doc


def _active_steps(d: Dossier) -> list[DossierStep]:
    return list(
        d.steps.filter(status=StepStatus.ACTIVE).select_related("agency").order_by("order", "id")
    )


def _deciding_steps(d: Dossier) -> list[DossierStep]:
    """The active steps whose agency handles the dossier itself, and so may decide it (attach
    its result, return it unresolved): all but the tasks of coordinating agencies sent out by
    ``dossier_dispatch_parallel``, which only hand their task back to the lead agency (an agency
    the dossier was transferred to handles the step itself, and is one)."""
    return [s for s in _active_steps(d) if s.kind != StepKind.PARALLEL]


def _finish(step: DossierStep, at: dt.datetime, note: str, status: str = StepStatus.DONE) -> None:
    step.status = status
    step.finished_at = at
    step.outcome = _outcome(step, at)
    step.note = nfc(note) if note else step.note
    step.save(update_fields=["status", "finished_at", "outcome", "note"])


def _working_seconds(d: Dossier, end: dt.datetime) -> int | None:
    """Working time from receipt to ``end``, pauses excluded (for average processing time)."""
    if d.received_at is None:
        return None
    return wt.elapsed(calendar_for(d.receiving_agency), d.received_at, end, _pauses(d))


def _change_with_form(
    d: Dossier,
    status: str,
    event: str,
    form_type: str,
    *,
    actor: Actor,
    at: dt.datetime,
    agency: Agency,
    note: str,
    template: str,
    data: dict[str, Any],
    fields: tuple[str, ...] = (),
) -> IssuedForm:
    """The common tail of a transition that issues a legal form: the numbered form, the new
    status (and ``fields`` already set by the caller), the event, the applicant's notice."""
    form = _issue_form(d, form_type, agency=agency, actor=actor, at=at, data=data)
    before = d.status
    d.status = status
    _save(d, "status", *fields)
    _event(
        d,
        event,
        actor=actor,
        at=at,
        before=before,
        after=status,
        agency=agency,
        note=note,
        data={"form": form.number},
    )
    _outbox("applicant.notify", d, at, template=template, form=form.number)
    return form
