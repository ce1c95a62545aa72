"""Delivering the outbox: e-mail and SMS to people, after the change that wrote the row has
committed, by ``motcua deliver-outbox`` — never inside a request.

A row as the services wrote it (``channel`` "") carries the e-mail; when its message has a text
version and the person a phone number, the deliverer adds one child row (``channel`` "sms")
the first time it takes the row, and that child is delivered and retried on its own.

The guarantee (docs/notifications.md): **at least once, at most one extra copy per crash**.
1. *Claim*: one short transaction moves the row's ``next_attempt_at`` to now + its back-off and
   counts the attempt, only if the row is still due (a conditional UPDATE: two deliverers never
   both take it).
2. *Send*, outside any transaction; every copy of a message carries the same ``Message-ID``
   (``<motcua-outbox-<id>@…>``) or SMS ``ref``, so a receiver or gateway can drop a duplicate.
3. *Mark* delivered in a second short transaction; on failure keep the error for the operator.
A crash between 2 and 3 leaves the row claimed: it is sent again once its back-off has passed —
the one duplicate, with the same Message-ID. Nothing is lost: a failed row stays queued with
its error and is retried with exponential back-off (1, 2, 4 … minutes, at most 6 hours apart)
up to ``MAX_ATTEMPTS``; a row that reached it stays in the table for the operator.
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.dossiers.models import Outbox
from motcua.integrations.notifications import TOPICS, Message, compose
from motcua.integrations.sms import SmsError, get_backend, normalize_phone, sms_text

MAX_ATTEMPTS = 12  # 1 + 2 + 4 + … minutes, capped at 6 h: about a day of outage
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)
SMS = "sms"


def backoff(attempts: int) -> dt.timedelta:
    """How long after its ``attempts``-th attempt a row waits (also the lease while sending)."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def message_id(row: Outbox) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "motcua.local"
    return f"<motcua-outbox-{row.pk}@{domain}>"


def _due(now: dt.datetime) -> Q:
    return Q(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _claim(row: Outbox, now: dt.datetime) -> bool:
    """Take the row for one attempt (a conditional UPDATE; False: someone else has it)."""
    attempts = row.attempts + 1
    taken = Outbox.objects.filter(_due(now), pk=row.pk, attempts=row.attempts).update(
        attempts=attempts, next_attempt_at=now + backoff(attempts)
    )
    if taken:
        row.attempts = attempts
        row.next_attempt_at = now + backoff(attempts)
    return bool(taken)


def _finish(row: Outbox, now: dt.datetime, error: str = "", *, done: bool = True) -> None:
    row.last_error = error[:500]
    if done:
        row.delivered_at = now
        row.next_attempt_at = None
    Outbox.objects.filter(pk=row.pk).update(
        delivered_at=row.delivered_at,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
    )


def _add_sms(row: Outbox, message: Message, now: dt.datetime) -> None:
    phone = normalize_phone(message.to_phone)
    if not message.sms or phone is None:
        return
    try:
        with transaction.atomic():
            Outbox.objects.create(
                topic=row.topic,
                dossier=row.dossier,
                payload={"to_phone": phone, "text": sms_text(message.sms)},
                created_at=now,
                channel=SMS,
                parent=row,
            )
    except IntegrityError:  # already added by an earlier attempt
        pass


def outbox_deliver(*, limit: int = 200, now: dt.datetime | None = None) -> dict[str, int]:
    """Deliver the rows that are due, each at most once per run; counts messages (e-mails and
    text messages) sent, skipped (nothing to send or nowhere to send it) and failed."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    moment = now or timezone.now()
    last_id = 0
    while sum(counts.values()) < limit:
        batch = list(
            Outbox.objects.filter(_due(moment), id__gt=last_id)
            .filter(Q(channel="", topic__in=TOPICS) | Q(channel=SMS))
            .select_related("dossier__procedure", "dossier__receiving_agency")
            .order_by("id")[:50]
        )
        if not batch:
            break
        for row in batch:
            last_id = row.pk
            if not _claim(row, moment):
                continue
            outcome = _deliver_sms(row, moment) if row.channel == SMS else _deliver(row, moment)
            counts[outcome] += 1
            if sum(counts.values()) >= limit:
                break
    return counts


def _deliver(row: Outbox, now: dt.datetime) -> str:
    message = compose(row)
    if message is None:
        _finish(row, now, "không có thư cần gửi")
        return "skipped"
    if row.attempts == 1:
        _add_sms(row, message, now)
    if not message.to_email:
        _finish(row, now, "người nhận không có e-mail")
        return "skipped"
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[message.to_email],
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers={"Message-ID": message_id(row)},
    )
    mail.attach_alternative(message.html, "text/html")
    try:
        mail.send()
    except (OSError, ValueError) as exc:  # SMTP errors are OSError; a bad header, ValueError
        _finish(row, now, str(exc) or type(exc).__name__, done=False)
        return "failed"
    _mark_sent(row, now)
    return "sent"


def _mark_sent(row: Outbox, now: dt.datetime) -> None:
    """Step 3 of the guarantee (a crash before it means one duplicate, same Message-ID)."""
    _finish(row, now)


def _deliver_sms(row: Outbox, now: dt.datetime) -> str:
    to, text = row.payload.get("to_phone", ""), row.payload.get("text", "")
    if not to or not text:
        _finish(row, now, "không có số điện thoại hoặc nội dung")
        return "skipped"
    try:
        get_backend().send(to=to, text=text, ref=f"motcua-outbox-{row.pk}")
    except SmsError as exc:
        _finish(row, now, str(exc), done=False)
        return "failed"
    _mark_sent(row, now)
    return "sent"
