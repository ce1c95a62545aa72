"""Messages to people, in Vietnamese, from outbox rows (never inside a request).

Each kind of message is a folder of Django templates under
``templates/notifications/<key>/``: ``subject.txt``, ``body.txt`` (plain text), ``body.html``
(simple HTML, the same words) and, where a text message makes sense, ``sms.txt``. ``KEYS`` maps
an outbox row (topic, and for ``applicant.notify`` its ``template``) to its key.

Where it goes: the address and phone in the row's payload (``to_email``/``to_phone``: mail not
about a dossier, or an answer to the feedback's sender), else those given for the dossier (its
snapshot, ``Dossier.applicant_email``/``applicant_phone``) — never the shared register row.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from motcua.core.text import ascii_digits, vnd
from motcua.dossiers.forms import hm_date
from motcua.dossiers.models import Dossier, Outbox

#: outbox topic → template key; ``applicant.notify`` rows name theirs in ``payload.template``
TOPIC_KEYS = {
    "dossier.received": "received",
    "dossier.result_ready": "result_ready",
    "dossier.supplement_requested": "supplement_request",
    "dossier.apology_issued": "apology",
    "payment.requested": "payment_requested",
    "payment.confirmed": "payment_confirmed",
    "feedback.answered": "feedback_answered",
    "citizen.verify_email": "verify_email",
    "citizen.password_reset": "password_reset",
}
NOTIFY_TEMPLATES = {
    "supplement_request",
    "refusal",
    "apology",
    "new_appointment",
    "result_ready",
    "withdrawn",
    "returned_unresolved",
}
#: every topic the deliverer handles (others — national-portal sync — wait for their adapter)
TOPICS = ("applicant.notify", "staff.warning", *TOPIC_KEYS)


@dataclass(frozen=True)
class Message:
    key: str
    subject: str
    text: str
    html: str
    sms: str  # "" when the kind has no text message
    to_email: str
    to_phone: str


def key_for(row: Outbox) -> str | None:
    if row.topic == "applicant.notify":
        template = (row.payload or {}).get("template")
        return template if template in NOTIFY_TEMPLATES else None
    return TOPIC_KEYS.get(row.topic)


def _when(value: Any) -> str:
    if not value:
        return ""
    try:
        return hm_date(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return ""


def _line(text: str) -> str:
    """One line, no control characters (a subject header)."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(cleaned.split())[:250]


def _items(raw: Any) -> list[dict[str, str]]:
    out = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            label = str(item.get("name") or item.get("label") or item.get("description") or "")
            amount = item.get("amount_vnd", item.get("amount"))
            out.append({"label": label, "amount": vnd(int(amount)) if amount is not None else ""})
        else:
            out.append({"label": str(item), "amount": ""})
    return out[:50]


def context(row: Outbox, dossier: Dossier | None) -> dict[str, Any]:
    p: dict[str, Any] = dict(row.payload or {})
    base = settings.MOTCUA_PUBLIC_URL
    code = (dossier.code if dossier else None) or p.get("code") or ""
    amount = p.get("amount_vnd")
    return {
        "p": p,
        "name": p.get("name") or (dossier.applicant_name if dossier else "") or "ông/bà",
        "code": code or "(chưa cấp mã)",
        "procedure": dossier.procedure.name if dossier else "",
        "agency": (dossier.receiving_agency.name if dossier else p.get("agency", "")),
        "place": (dossier.result_place or dossier.receiving_agency.name) if dossier else "",
        "due": _when(p.get("due_at")),
        "appointment": _when(p.get("appointment")),
        "amount": vnd(int(amount))
        if isinstance(amount, int | float | str) and ascii_digits(str(amount), 30)
        else "",
        "items": _items(p.get("items")),
        "link": p.get("link") or (f"{base}/tra-cuu/?ma={code}" if code else base),
        "site": base,
    }


def compose(row: Outbox) -> Message | None:
    """The message for the row's person, or None when the row is not for a person."""
    if row.topic == "staff.warning":  # the morning warnings to officers (motcua.ops)
        from django.utils.html import escape

        from motcua.ops.services import compose as compose_warning

        subject, body = compose_warning(row.payload or {})
        return Message(
            key="staff_warning",
            subject=subject,
            text=body,
            html=f"<pre style='font-family:inherit'>{escape(body)}</pre>",
            sms="",
            to_email=str((row.payload or {}).get("to_email") or ""),
            to_phone="",
        )
    key = key_for(row)
    if key is None:
        return None
    d = row.dossier
    ctx = context(row, d)
    folder = f"notifications/{key}"
    try:
        sms = render_to_string(f"{folder}/sms.txt", ctx).strip()
    except TemplateDoesNotExist:
        sms = ""
    p = row.payload or {}
    return Message(
        key=key,
        subject=_line(render_to_string(f"{folder}/subject.txt", ctx)),
        text=render_to_string(f"{folder}/body.txt", ctx).strip() + "\n",
        html=render_to_string(f"{folder}/body.html", ctx),
        sms=sms,
        to_email=str(p.get("to_email", d.applicant_email if d else "") or ""),
        to_phone=str(p.get("to_phone", d.applicant_phone if d else "") or ""),
    )
