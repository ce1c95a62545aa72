"""The link to the national public-service portal (Cổng Dịch vụ công quốc gia).

Outbound: every status change the portal must know is a ``portal.sync`` outbox row, written by
``dossiers.services`` in the change's own transaction (``_tx.PORTAL_EVENTS``). ``portal_sync``
(the ``motcua sync-portal`` command; Celery calls it on a schedule) delivers them:

- **in order per dossier**: only a dossier's oldest undelivered row is ever sent; while it is not
  delivered (failed, waiting for its retry) the dossier's later rows wait;
- **retried with exponential back-off**: ``MOTCUA_PORTAL_BACKOFF`` seconds after the first
  failure, doubled after each, at most 6 hours; never given up (nothing is lost), the staff
  page shows what is stuck;
- **idempotent**: each row has a stable ``event_id`` (also the ``Idempotency-Key`` header); a
  message whose answer was lost is sent again with the same id and the portal drops it.

Delivery state lives in ``PortalDelivery`` (one per outbox row); the outbox row's own
``delivered_at`` / ``attempts`` / ``last_error`` are kept in step so that generic outbox views
agree. Two workers never send the same dossier at once: the head row is locked (``SKIP LOCKED``
on PostgreSQL) for the time of its request.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier, Outbox
from motcua.integrations.models import PortalDelivery, PortalInbound

TOPIC = "portal.sync"
MAX_BACKOFF = dt.timedelta(hours=6)
MAX_ERROR = 500


class PortalNotConfigured(Exception):
    pass


def backoff(attempts: int, base: float | None = None) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: base, 2·base, 4·base … at most 6 hours."""
    seconds = settings.MOTCUA_PORTAL_BACKOFF if base is None else base
    exp = min(max(attempts - 1, 0), 30)
    return min(dt.timedelta(seconds=seconds * (2**exp)), MAX_BACKOFF)


@dataclass
class Answer:
    ok: bool
    status: int | None
    error: str


def _post(body: dict[str, Any], event_id: str) -> Answer:
    url = settings.MOTCUA_PORTAL_URL
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": event_id,
        "User-Agent": "motcua-portal-sync/1",
    }
    if settings.MOTCUA_PORTAL_TOKEN:
        headers["Authorization"] = f"Bearer {settings.MOTCUA_PORTAL_TOKEN}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - configured URL
    try:
        with urllib.request.urlopen(request, timeout=settings.MOTCUA_PORTAL_TIMEOUT) as resp:  # noqa: S310
            resp.read(65536)
            status = int(resp.status)
    except urllib.error.HTTPError as exc:
        text = exc.read(500).decode("utf-8", "replace") if exc.fp else ""
        return Answer(False, exc.code, f"HTTP {exc.code}: {text}".strip()[:MAX_ERROR])
    except (urllib.error.URLError, OSError, ValueError) as exc:  # refused, timeout, bad URL
        reason = getattr(exc, "reason", exc)
        return Answer(False, None, f"{type(exc).__name__}: {reason}"[:MAX_ERROR])
    if 200 <= status < 300:
        return Answer(True, status, "")
    return Answer(False, status, f"HTTP {status}")  # pragma: no cover - urllib raises for these


def message(row: Outbox, delivery: PortalDelivery) -> dict[str, Any]:
    """What the portal receives (docs/national-portal.md)."""
    inbound = PortalInbound.objects.filter(dossier_id=row.dossier_id or 0).first()
    return {
        "event_id": str(delivery.event_id),
        "sequence": row.pk,
        "national_id": inbound.national_id if inbound else None,
        **row.payload,
    }


def _head(dossier_id: int) -> Outbox | None:
    """The dossier's oldest undelivered row, locked; None when another worker holds it."""
    first = (
        Outbox.objects.filter(topic=TOPIC, dossier_id=dossier_id, delivered_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if first is None:
        return None
    rows = Outbox.objects.filter(pk=first, delivered_at__isnull=True)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows.first()


def _deliver_head(dossier_id: int, now: dt.datetime) -> str:
    """Send the dossier's oldest undelivered message: sent / failed / waiting / empty."""
    with transaction.atomic():
        row = _head(dossier_id)
        if row is None:
            return "empty"
        delivery, _ = PortalDelivery.objects.get_or_create(
            outbox=row, defaults={"dossier_id": dossier_id}
        )
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return "waiting"
        answer = _post(message(row, delivery), str(delivery.event_id))
        delivery.attempts += 1
        delivery.last_status = answer.status
        row.attempts = min(row.attempts + 1, 32767)
        if answer.ok:
            delivery.delivered_at = row.delivered_at = now
            delivery.next_attempt_at = None
            delivery.last_error = row.last_error = ""
            outcome = "sent"
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            delivery.last_error = row.last_error = answer.error
            outcome = "failed"
        delivery.save()
        row.save(update_fields=["attempts", "delivered_at", "last_error"])
        return outcome


def portal_sync(*, limit: int = 1000, now: dt.datetime | None = None) -> dict[str, int]:
    """Deliver what is due, dossier by dossier, each in order; at most ``limit`` requests."""
    if not settings.MOTCUA_PORTAL_URL:
        raise PortalNotConfigured("Chưa cấu hình MOTCUA_PORTAL_URL")
    moment = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "waiting": 0}
    # dossiers whose head is due: never attempted, or its retry time has come
    pending = list(
        Outbox.objects.filter(topic=TOPIC, delivered_at__isnull=True)
        .values("dossier_id")
        .annotate(first=Min("id"))
        .order_by("first")
        .values_list("dossier_id", flat=True)[:limit]
    )
    requests = 0
    for dossier_id in pending:
        while requests < limit:
            outcome = _deliver_head(dossier_id, moment)
            if outcome == "empty":  # all delivered, or another worker holds the head
                break
            if outcome in ("sent", "failed"):
                requests += 1
            counts[outcome] += 1
            if outcome != "sent":
                break  # this dossier's later messages wait for the head
        if requests >= limit:
            break
    return counts


def portal_sync_if_configured(*, limit: int = 1000) -> dict[str, int] | None:
    """For schedulers (Celery beat): one run, or None while the link is not configured."""
    if not settings.MOTCUA_PORTAL_URL:
        return None
    return portal_sync(limit=limit)


# ---- reads: the staff page and the Decision 766 criterion ------------------------------------


def backlog(
    dossiers: QuerySet[Dossier] | None = None, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """What waits for the portal (within ``dossiers``, default all)."""
    moment = now or timezone.now()
    rows = Outbox.objects.filter(topic=TOPIC)
    if dossiers is not None:
        rows = rows.filter(dossier__in=dossiers)
    waiting = rows.filter(delivered_at__isnull=True)
    summary = waiting.aggregate(n=Count("id"), oldest=Min("created_at"))
    failing = (
        PortalDelivery.objects.filter(outbox__in=waiting, attempts__gt=0)
        .select_related("outbox", "dossier")
        .order_by("outbox_id")
    )
    return {
        "configured": bool(settings.MOTCUA_PORTAL_URL),
        "waiting": summary["n"] or 0,
        "dossiers": waiting.values("dossier_id").distinct().count(),
        "oldest": summary["oldest"],
        "failing": failing.count(),
        "failures": list(failing[:100]),
        "delivered": rows.filter(delivered_at__isnull=False).count(),
        "due_now": waiting.exclude(
            Exists(PortalDelivery.objects.filter(outbox=OuterRef("pk"), next_attempt_at__gt=moment))
        ).count(),
    }


def synced(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Dossiers whose every change has reached the portal (at least one, none pending)."""
    sync = Outbox.objects.filter(topic=TOPIC, dossier=OuterRef("pk"))
    return dossiers.filter(Exists(sync)).exclude(Exists(sync.filter(delivered_at__isnull=True)))


def synced_ratio(dossiers: QuerySet[Dossier]) -> tuple[int, int] | None:
    """(synchronised, all) for the Decision 766 publicity criterion; None while the link has
    never delivered anything and is not configured (no connection: no data)."""
    connected = (
        bool(settings.MOTCUA_PORTAL_URL)
        or PortalDelivery.objects.filter(delivered_at__isnull=False).exists()
    )
    if not connected:
        return None
    return synced(dossiers).count(), dossiers.count()
