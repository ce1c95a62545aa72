"""Reads over dossiers, always through the actor's scope (``access.dossiers_visible_to``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from motcua.core.models import search_matching
from motcua.core.text import fold, strip_format
from motcua.dossiers.access import (
    STEP_ROLE,
    Actor,
    agency_ids_for,
    dossiers_visible_to,
    visible_to_agencies,
)
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Apology,
    Consultation,
    Document,
    DocumentKind,
    Dossier,
    DossierStep,
    Status,
    StepKind,
    StepStatus,
)
from motcua.dossiers.services import (
    apology_latest_at,
    apology_on_time,
    apology_window_open,
    calendar_for,
)
from motcua.units.models import Membership, Role
from motcua.worktime import core as wt


@dataclass(frozen=True)
class Flags:
    """Derived from what is attached, never typed in."""

    digitized: bool
    reused: bool
    electronic_result: bool


def dossier_flags(dossier: Dossier) -> Flags:
    docs = list(dossier.documents.values_list("kind", "reused_from_id"))
    kinds = {k for k, _ in docs}
    return Flags(
        digitized=bool(kinds & {DocumentKind.INPUT_SCAN, DocumentKind.INPUT_ELECTRONIC}),
        reused=any(r is not None for _, r in docs),
        electronic_result=DocumentKind.RESULT_ELECTRONIC in kinds,
    )


def flags_annotations() -> dict[str, Any]:
    """The same flags as SQL annotations, for lists and statistics."""
    docs = Document.objects.filter(dossier=OuterRef("pk"))
    return {
        "is_digitized": Exists(
            docs.filter(kind__in=[DocumentKind.INPUT_SCAN, DocumentKind.INPUT_ELECTRONIC])
        ),
        "is_reused": Exists(docs.filter(reused_from__isnull=False)),
        "has_electronic_result": Exists(docs.filter(kind=DocumentKind.RESULT_ELECTRONIC)),
    }


@dataclass
class QueueRow:
    step: DossierStep
    dossier: Dossier
    seconds_left: int  # working seconds to the step's due instant; negative when overdue
    dossier_seconds_left: int
    overdue: bool
    due_soon: bool  # within one working day
    waiting_handover: bool
    # the dossier is in its last working day (or overdue) and its agency has not apologised yet
    apology_warning: bool = False
    # waiting for a supplement, its clock stopped in time: neither overdue nor due soon
    waiting_supplement: bool = False


def _calendar_cache() -> Any:
    """calendar_for per receiving agency, looked up once per list (not once per row)."""
    cache: dict[int, wt.Calendar] = {}

    def get(agency: Any) -> wt.Calendar:
        if agency.pk not in cache:
            cache[agency.pk] = calendar_for(agency)
        return cache[agency.pk]

    return get


def _left(cal: wt.Calendar, now: dt.datetime, due: dt.datetime | None) -> int:
    if due is None:
        return 0
    if due >= now:
        return wt.elapsed(cal, now, due)
    return -wt.elapsed(cal, due, now)


#: Rows on one page of the queue and of the search (a page never reads more, whatever the table).
PAGE_SIZE = 25
#: The queue's heading counts at most this many steps ("hơn 1.000"), never the whole table.
COUNT_CAP = 1000


def queue_steps(actor: Actor) -> QuerySet[DossierStep]:
    """The active steps in the officer's queue (their agencies and roles), in queue order: the
    step's due instant, then its id. Each membership is one range of the ``step_queue`` index
    (agency, status, due_at), so a page costs the same with 1,000 or 10 million dossiers."""
    ids = agency_ids_for(actor)
    steps = DossierStep.objects.filter(
        status=StepStatus.ACTIVE, dossier__status__in=[*OPEN_STATUSES, "resolved"]
    )
    if ids is not None:
        roles = Membership.objects.filter(user_id=getattr(actor, "pk", None), active=True)
        q = Q(pk__in=[])
        for m in roles:
            step_roles = [k for k, v in STEP_ROLE.items() if v == m.role]
            if m.role in (Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN):
                continue
            q |= Q(agency_id=m.agency_id, role__in=step_roles)
        steps = steps.filter(q)
    steps = steps.exclude(
        dossier__status="resolved",
        role__in=["chuyen_vien", "lanh_dao", "lanh_dao_phong", "lien_thong"],
    )
    return steps.order_by(F("due_at").asc(nulls_last=True), "id")


def queue_cursor(step: DossierStep) -> str:
    """Where the next page starts: after this step, in queue order."""
    return f"{step.due_at.isoformat() if step.due_at else ''}|{step.pk}"


def _after_cursor(steps: QuerySet[DossierStep], cursor: str) -> QuerySet[DossierStep]:
    """Keyset: the steps after ``cursor`` in queue order (due instant nulls last, then id). A
    cursor that does not parse starts from the top (it only comes from our own links)."""
    due_text, _, pk_text = cursor.partition("|")
    if not pk_text.isascii() or not pk_text.isdigit() or len(pk_text) > 18:
        return steps
    pk = int(pk_text)
    if not due_text:
        return steps.filter(due_at__isnull=True, pk__gt=pk)
    try:
        due = dt.datetime.fromisoformat(due_text)
    except ValueError:
        return steps
    if timezone.is_naive(due):
        return steps
    return steps.filter(Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk) | Q(due_at__isnull=True))


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int  # steps in the whole queue, counted up to COUNT_CAP + 1
    next_cursor: str  # "" on the last page


def queue_page(
    actor: Actor,
    *,
    now: dt.datetime | None = None,
    after: str = "",
    limit: int = PAGE_SIZE,
) -> QueuePage:
    """One page of the queue (``after``: the cursor of the previous page's last row), with a
    count bounded by COUNT_CAP."""
    steps = queue_steps(actor)
    total = steps.order_by()[: COUNT_CAP + 1].count()
    if after:
        steps = _after_cursor(steps, after)
    rows = _queue_rows(steps, now or timezone.now(), limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return QueuePage(rows, total, queue_cursor(rows[-1].step) if more and rows else "")


def queue_for(actor: Actor, *, now: dt.datetime | None = None, limit: int = 200) -> list[QueueRow]:
    """The officer's queue: active steps of their agencies and roles, in order of their due
    instant (the soonest and the overdue first); dossiers due within one working day are
    marked."""
    return _queue_rows(queue_steps(actor), now or timezone.now(), limit)


def _queue_rows(steps: QuerySet[DossierStep], moment: dt.datetime, limit: int) -> list[QueueRow]:
    calendars = _calendar_cache()
    rows = []
    apologised = Apology.objects.filter(dossier=OuterRef("dossier"))
    for s in steps.select_related(
        "dossier__procedure", "dossier__receiving_agency__unit", "agency"
    ).annotate(apologised=Exists(apologised))[:limit]:
        cal = calendars(s.dossier.receiving_agency)
        left = _left(cal, moment, s.due_at)
        d_left = _left(cal, moment, s.dossier.due_at)
        stopped = s.dossier.clock_stopped_in_time
        rows.append(
            QueueRow(
                step=s,
                dossier=s.dossier,
                seconds_left=left,
                dossier_seconds_left=d_left,
                overdue=not stopped and (d_left < 0 or left < 0),
                due_soon=not stopped and 0 <= d_left <= cal.day_seconds,
                waiting_handover=bool(s.started_at and s.started_at > moment),
                apology_warning=not s.apologised  # type: ignore[attr-defined]
                and _apology_due(s.dossier, moment, cal),
                waiting_supplement=stopped,
            )
        )
    return rows


def dossier_search(
    actor: Actor, query: str, *, limit: int = 100, before: int | None = None
) -> QuerySet[Dossier]:
    """By code, applicant name or ID number, without diacritics, within the actor's scope, the
    newest first; ``before``: only dossiers with a smaller id (the next page). On PostgreSQL
    each word is a LIKE on the trigram-indexed ``search_text`` (dossiers 0011_search_trgm)."""
    ids = agency_ids_for(actor)
    visible = visible_to_agencies(ids)
    # a code pasted from a PDF or a chat app carries invisible format characters: never part of
    # a code, a name or an ID number (core.text.strip_format)
    query = strip_format(query)
    text = query.strip()
    if text and len(text) <= 60 and not any(c.isspace() or c == "\x00" for c in text):
        # a whole code, as printed on the receipt: the unique index, one row. Codes share
        # long prefixes (agency, date), whose trigrams each point at much of the table.
        exact = visible.filter(code=text)
        if before is not None:
            exact = exact.filter(pk__lt=before)
        if exact.exists():
            return exact.select_related("procedure", "receiving_agency").order_by("-id")[:limit]
    words = fold(query).split()
    # Newest first. When a word has a trigram (3 characters or more), the trigram index finds
    # the rows that match and an officer's scope is read from indexes too (``access.
    # visible_to_agencies(by_index=True)``):
    # PostgreSQL intersects the two bitmaps and sorts the page from what is left, a cost bounded
    # by the scope and the matches. The order is written so that it cannot instead walk the
    # primary key backwards filtering every row, its pick for a name it expects to be common —
    # which, rare within a narrow scope, walked the whole table (a cost that grows with the
    # table: 0.8 s at 1M, seconds at 10M). With only shorter words there is no trigram to look
    # up: the walk, which such common fragments end soon.
    indexed = ids is not None and any(len(w) >= 3 for w in words)
    qs = search_matching(visible_to_agencies(ids, by_index=True) if indexed else visible, query)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    newest = (F("id") + 0).desc() if indexed else F("id").desc()
    return qs.select_related("procedure", "receiving_agency").order_by(newest)[:limit]


def _apology_due(d: Dossier, now: dt.datetime, cal: wt.Calendar) -> bool:
    """In progress (clock running) and past the latest moment for an on-time apology; the
    caller has checked that no apology was issued."""
    return d.status == Status.IN_PROGRESS and not apology_on_time(d, now, cal)


#: One working day never spans more calendar days than this (the longest run of days off, Tết
#: with its weekends, is about ten days): a coarse SQL filter before the exact check.
_LAST_DAY_SPAN = dt.timedelta(days=21)


def apology_warnings(
    actor: Actor, *, now: dt.datetime | None = None, limit: int | None = None
) -> list[Dossier]:
    """Dossiers in their last working day (or overdue) without an apology, for the leaders of the
    agencies responsible for them (the processing agency, or an agency handling an active step
    itself, not a coordinating agency's parallel task: ``services.apology_may_issue``): they sign
    the apology (Mẫu 04), which is due no later than one working day before the due instant
    (REGULATIONS.md §2). Officers see the same warning on their own queue rows."""
    moment = now or timezone.now()
    user_id = getattr(actor, "pk", None)
    if user_id is None:
        return []
    led = list(
        Membership.objects.filter(user_id=user_id, role=Role.LEADER, active=True).values_list(
            "agency_id", flat=True
        )
    )
    if not led:  # not a leader anywhere: no query (the queue page of every officer asks)
        return []
    active_here = DossierStep.objects.filter(
        dossier=OuterRef("pk"), status=StepStatus.ACTIVE, agency_id__in=led
    ).exclude(kind=StepKind.PARALLEL)
    candidates = (
        dossiers_visible_to(actor)
        .filter(status=Status.IN_PROGRESS, due_at__lte=moment + _LAST_DAY_SPAN)
        .filter(Q(processing_agency_id__in=led) | Exists(active_here))
        .exclude(Exists(Apology.objects.filter(dossier=OuterRef("pk"))))
        .select_related("procedure", "receiving_agency__unit", "processing_agency")
        .order_by("due_at", "pk")
    )
    calendars = _calendar_cache()
    out = []
    for d in candidates.iterator(chunk_size=200):
        if _apology_due(d, moment, calendars(d.receiving_agency)):
            out.append(d)
            if limit is not None and len(out) >= limit:
                break  # the page lists the first ones by due instant
    return out


@dataclass(frozen=True)
class ApologyTiming:
    latest_at: dt.datetime  # the latest moment for an on-time apology
    on_time_now: bool  # an apology issued now would keep it


def apology_timing(dossier: Dossier, now: dt.datetime) -> ApologyTiming | None:
    """For an open dossier not yet apologised: until when an apology would be on time, and
    whether issuing it now would be (a later one is accepted and recorded as a breach)."""
    if not apology_window_open(dossier, now):
        return None
    cal = calendar_for(dossier.receiving_agency)
    latest = apology_latest_at(dossier, cal)
    if latest is None:
        return None
    return ApologyTiming(latest_at=latest, on_time_now=apology_on_time(dossier, now, cal))


def consultations_overdue(
    actor: Actor, *, now: dt.datetime | None = None
) -> QuerySet[Consultation]:
    """Late answers, reported to the head of the one-stop desk."""
    moment = now or timezone.now()
    return Consultation.objects.filter(
        dossier__in=dossiers_visible_to(actor), answered_at__isnull=True, due_at__lt=moment
    ).select_related("dossier", "to_agency")


def late_steps(dossier: Dossier) -> list[DossierStep]:
    """The steps (and so the agencies) that overran their budget."""
    return list(dossier.steps.filter(outcome="late").select_related("agency"))


def _book_of(desk_id: int) -> Q:
    """The dossiers in a desk's book: those it received, even if the transition to the two-level
    model moved them to its successor since (``origin_receiving_agency``, issue 11)."""
    return Q(origin_receiving_agency_id=desk_id) | Q(
        receiving_agency_id=desk_id, origin_receiving_agency__isnull=True
    )


def book_latest_year(desk_id: int) -> int | None:
    """The latest year in which ``desk_id`` numbered a dossier in its tracking book."""
    return (
        Dossier.objects.filter(_book_of(desk_id), book_number__isnull=False)
        .order_by("-book_year")
        .values_list("book_year", flat=True)
        .first()
    )


def tracking_book(
    desk_id: int, year: int, *, first: dt.date | None = None, last: dt.date | None = None
) -> QuerySet[Dossier]:
    """Sổ theo dõi hồ sơ: a desk's received dossiers of a year, in book order."""
    qs = Dossier.objects.filter(_book_of(desk_id), book_year=year, book_number__isnull=False)
    if first:
        qs = qs.filter(received_at__date__gte=first)
    if last:
        qs = qs.filter(received_at__date__lte=last)
    return qs.select_related("procedure", "processing_agency", "applicant").order_by("book_number")


def time_left_text(dossier: Dossier, now: dt.datetime) -> str:
    """'còn 2,5 ngày làm việc' / 'quá hạn 1,0 ngày làm việc' for an open dossier. While a
    supplement is awaited the clock is stopped (REGULATIONS.md §2): a dossier stopped no later
    than its due instant is not overdue however long it waits (as the statistics count it,
    ``reports.selectors.overdue_at``); one stopped after it is overdue as of when it stopped."""
    if dossier.due_at is None or dossier.status not in OPEN_STATUSES:
        return ""
    cal = calendar_for(dossier.receiving_agency)
    paused = dossier.paused_at
    if paused is not None and dossier.clock_stopped_in_time:
        request = (
            dossier.supplement_requests.filter(at_intake=False, fulfilled_at__isnull=True)
            .order_by("-id")
            .first()
        )
        if request is not None and request.mode == "restart":
            return "tạm dừng chờ bổ sung, thời hạn tính lại từ đầu khi nhận đủ hồ sơ"
        days = f"{wt.elapsed(cal, paused, dossier.due_at) / cal.day_seconds:.1f}".replace(".", ",")
        return f"tạm dừng chờ bổ sung, còn {days} ngày làm việc khi nhận đủ hồ sơ"
    left = _left(cal, min(now, paused) if paused is not None else now, dossier.due_at)
    days = f"{abs(left) / cal.day_seconds:.1f}".replace(".", ",")
    return f"còn {days} ngày làm việc" if left >= 0 else f"quá hạn {days} ngày làm việc"


@dataclass
class StepRow:
    step: DossierStep
    used: float | None  # working days used so far (finished or active)
    overdue: bool
    mine: bool  # active and the actor holds the role for it


def step_rows(actor: Actor, dossier: Dossier, now: dt.datetime) -> list[StepRow]:
    """The dossier's steps with their budget use, for the dossier page."""
    from motcua.dossiers.access import has_role

    cal = calendar_for(dossier.receiving_agency)
    stopped = dossier.clock_stopped_in_time
    rows = []
    for s in dossier.steps.select_related("agency", "handler").order_by("order", "id"):
        used = None
        end = s.finished_at or (now if s.status == StepStatus.ACTIVE else None)
        if s.started_at and end and end > s.started_at:
            used = wt.elapsed(cal, s.started_at, end) / cal.day_seconds
        active = s.status == StepStatus.ACTIVE
        rows.append(
            StepRow(
                step=s,
                used=used,
                overdue=active and not stopped and s.due_at is not None and s.due_at < now,
                mine=active and has_role(actor, s.agency, STEP_ROLE.get(s.role, Role.SPECIALIST)),
            )
        )
    return rows


def assignable(actor: Actor, steps: list[DossierStep]) -> list[dict[str, Any]]:
    """Active steps the actor may assign (as a leader there), with the officers who could."""
    from motcua.dossiers.access import has_role

    out = []
    for s in steps:
        if s.status != StepStatus.ACTIVE or not has_role(actor, s.agency, Role.LEADER):
            continue
        role = STEP_ROLE.get(s.role, Role.SPECIALIST)
        people = [
            m.user
            for m in Membership.objects.filter(
                agency=s.agency, role=role, active=True, user__api_client__isnull=True
            ).select_related("user")
        ]
        if people:
            out.append({"step": s, "people": people})
    return out
