"""Delivering the outbox: each row once, after the change that wrote it has committed.

``applicant.notify`` and ``dossier.received`` rows become e-mails to the applicant, at the address
given for that dossier (``Dossier.applicant_email``), by SMTP as configured by EMAIL_* settings.
Rows for other systems (national portal) stay queued until their adapter exists. Failed rows keep
their error and are retried, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from motcua.dossiers.models import Outbox
from motcua.integrations.notifications import compose

MAX_ATTEMPTS = 5
TOPICS = ("applicant.notify", "dossier.received", "staff.warning")


def outbox_deliver(*, limit: int = 200) -> dict[str, int]:
    sent = skipped = failed = 0
    last_id = 0  # each row at most once per run: a failed row waits for the next run
    while True:
        with transaction.atomic():
            rows = Outbox.objects.filter(
                delivered_at__isnull=True,
                topic__in=TOPICS,
                attempts__lt=MAX_ATTEMPTS,
                id__gt=last_id,
            ).order_by("id")
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            batch = list(
                rows.select_related("dossier__procedure", "dossier__receiving_agency")[:50]
            )
            if not batch:
                break
            for row in batch:
                last_id = row.pk
                outcome = _deliver(row)
                sent += outcome == "sent"
                skipped += outcome == "skipped"
                failed += outcome == "failed"
        if sent + skipped + failed >= limit:
            break
    return {"sent": sent, "skipped": skipped, "failed": failed}


def _deliver(row: Outbox) -> str:
    now = timezone.now()
    d = row.dossier
    if row.topic == "staff.warning":  # the morning warnings to officers (motcua.ops)
        from motcua.ops.services import compose as compose_warning

        message: tuple[str, str] | None = compose_warning(row.payload)
        email = str(row.payload.get("to_email") or "")
    else:
        message = compose(row.topic, row.payload, d) if d is not None else None
        # the address given for THIS dossier (its snapshot), never the shared register row:
        # another agency's desk or a later contact change must not redirect this dossier's mail
        email = d.applicant_email if d is not None else ""
    if message is None or not email:
        row.delivered_at = now
        row.last_error = (
            "không có thư cần gửi"
            if message is None
            else "người nhận không có e-mail"
            if row.topic == "staff.warning"
            else "người nộp không có e-mail"
        )
        row.save(update_fields=["delivered_at", "last_error"])
        return "skipped"
    subject, body = message
    try:
        EmailMessage(
            subject=subject, body=body, to=[email], from_email=settings.DEFAULT_FROM_EMAIL
        ).send()
    except OSError as exc:  # SMTP errors are OSError subclasses (smtplib.SMTPException)
        row.attempts += 1
        row.last_error = str(exc)[:500]
        row.save(update_fields=["attempts", "last_error"])
        return "failed"
    row.attempts += 1
    row.delivered_at = now
    row.last_error = ""
    row.save(update_fields=["attempts", "delivered_at", "last_error"])
    return "sent"
