"""Reads of the feedback module, each scoped once: staff by their agencies (``units``
memberships through ``dossiers.access.agency_ids_for``), citizens by their account, the public
by the sender's consent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from motcua.citizens.access import citizen_of
from motcua.core.errors import NotFound
from motcua.dossiers.access import agency_ids_for
from motcua.feedback.models import Feedback, Status


def _valid_code(code: str) -> bool:
    return isinstance(code, str) and 0 < len(code) <= 30 and code.isascii() and code.isprintable()


def feedback_visible_to(actor: Any) -> QuerySet[Feedback]:
    """Feedback about the agencies where the officer holds a role (all for a superuser; a
    province administrator's role covers the agencies under their unit)."""
    ids = agency_ids_for(actor)
    qs = Feedback.objects.select_related("agency", "dossier", "assignee")
    if ids is None:
        return qs
    return qs.filter(agency_id__in=ids)


def feedback_queue(actor: Any, *, status: str = "") -> QuerySet[Feedback]:
    qs = feedback_visible_to(actor)
    chosen = qs.filter(status=status) if status in Status.values else None
    return (chosen if chosen is not None else qs.exclude(status=Status.ANSWERED)).order_by(
        "due_at", "id"
    )


def feedback_get_for(actor: Any, code: str) -> Feedback:
    f = feedback_visible_to(actor).filter(code=code).first() if _valid_code(code) else None
    if f is None:
        raise NotFound("Không tìm thấy phản ánh", code="feedback_not_found")
    return f


def feedback_of_citizen(user: Any) -> QuerySet[Feedback]:
    if citizen_of(user) is None:
        return Feedback.objects.none()
    return Feedback.objects.filter(account=user).select_related("agency", "dossier")


def feedback_public() -> QuerySet[Feedback]:
    """Answered feedback whose sender allowed publication (no name or contact is shown)."""
    return (
        Feedback.objects.filter(status=Status.ANSWERED, publish_allowed=True)
        .select_related("agency")
        .order_by("-answered_at", "-id")
    )


def feedback_public_get(code: str) -> Feedback:
    f = feedback_public().filter(code=code).first() if _valid_code(code) else None
    if f is None:
        raise NotFound("Không tìm thấy phản ánh đã công khai", code="feedback_not_found")
    return f


# ---- Circular 01/2018 index 8: feedback handled on time -------------------------------------


def on_time_by_agency(
    start: dt.datetime,
    end: dt.datetime,
    agency_ids: Iterable[int] | None = None,
    *,
    now: dt.datetime | None = None,
) -> dict[int, dict[str, Any]]:
    """Per agency, the feedback whose answer was due in [start, end): each counts once, in the
    period its deadline falls in. On time = answered no later than due; late = answered after
    due, or still unanswered once due has passed (after the due instant: at it, an answer would
    still be on time, as the queue's "quá hạn" mark says). Not yet late and unanswered: not
    counted."""
    moment = now or timezone.now()
    qs = Feedback.objects.filter(due_at__gte=start, due_at__lt=end).filter(
        Q(answered_at__isnull=False) | Q(due_at__lt=moment)
    )
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    rows = (
        qs.values("agency_id")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at"))),
        )
        .order_by()
    )
    out = {}
    for r in rows:
        share = 100.0 * r["on_time"] / r["due"]
        out[r["agency_id"]] = {
            "due": r["due"],
            "on_time": r["on_time"],
            "late": r["due"] - r["on_time"],
            "share": round(share, 2),
        }
    return out


def index8_score(stats: dict[str, Any] | None) -> int:
    """Circular 01/2018 Art. 13, index 8: 2 when 100 % of the feedback was handled on time, 1
    from 90 %, else 0. An agency with no feedback due in the period handled none late: 2. The
    threshold is compared on the counts, not on the share rounded for display (89.9975 % is
    shown as 90.00 but is below 90 %)."""
    if not stats or not stats["due"]:
        return 2
    if stats["on_time"] == stats["due"]:
        return 2
    return 1 if 100 * stats["on_time"] >= 90 * stats["due"] else 0
