"""Sending SMS: one small interface, a backend chosen by ``MOTCUA_SMS_BACKEND``.

A backend is a class with ``send(*, to, text, ref) -> str``: ``to`` is the number in
international form without '+' (``84912345678``), ``text`` the message, ``ref`` a stable
reference of the outbox row (``motcua-outbox-<id>``) that the gateway must use to drop
duplicates (a retry after a crash sends the same ``ref``). It returns the gateway's message id
(or "") and raises ``SmsError`` when the text was not accepted; the deliverer then retries with
back-off. It is only ever called by ``motcua deliver-outbox``, never inside a request.

- ``LogSmsBackend`` (default): writes the text to ``integrations.SmsMessage`` and the log —
  the demo, tests, and a province without a gateway yet.
- ``HttpSmsBackend``: the documented interface to a province's SMS gateway (docs/notifications.md):
  ``POST MOTCUA_SMS_URL`` with ``Authorization: Bearer MOTCUA_SMS_TOKEN`` and the JSON body
  ``{"to": "849…", "text": "…", "ref": "motcua-outbox-12"}``; any 2xx answer is success and
  its JSON ``{"id": "…"}`` (optional) is kept; 409 means "already have this ref" (success too).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.core.text import json_loads
from motcua.integrations.models import SmsMessage

log = logging.getLogger("motcua.sms")
MAX_LENGTH = 320  # two GSM segments at most (or four UCS-2 ones with diacritics kept)


class SmsError(OSError):
    """The gateway did not accept the text (retried later)."""


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, ref: str) -> str: ...


def normalize_phone(raw: str) -> str | None:
    """A Vietnamese number as the gateways want it (84 + 9 digits), or None."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits if re.fullmatch(r"84[1-9][0-9]{8}", digits) else None


def plain(text: str) -> str:
    """Without diacritics ('Hồ sơ đã có kết quả' → 'Ho so da co ket qua'): one GSM segment holds
    160 such characters against 70 with diacritics, and brand-name gateways often require it."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def sms_text(text: str) -> str:
    text = " ".join(text.split())
    if getattr(settings, "MOTCUA_SMS_ASCII", True):
        text = plain(text)
    return text[:MAX_LENGTH]


class LogSmsBackend:
    """Writes the text to the database table and the log; idempotent on ``ref``."""

    def send(self, *, to: str, text: str, ref: str) -> str:
        try:
            with transaction.atomic():
                row = SmsMessage.objects.create(ref=ref, to=to, text=text, sent_at=timezone.now())
        except IntegrityError:  # already written by an earlier attempt: do not repeat it
            row = SmsMessage.objects.get(ref=ref)
        log.info("SMS %s → %s: %s", ref, to, text)
        return str(row.pk)


class HttpSmsBackend:
    """POSTs JSON to the province's gateway (see the module docstring)."""

    timeout = 10

    def send(self, *, to: str, text: str, ref: str) -> str:
        url = getattr(settings, "MOTCUA_SMS_URL", "")
        if not url.startswith(("http://", "https://")):
            raise SmsError("MOTCUA_SMS_URL chưa được cấu hình")
        body = json.dumps({"to": to, "text": text, "ref": ref}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {getattr(settings, 'MOTCUA_SMS_TOKEN', '')}",
                "Idempotency-Key": ref,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            if exc.code == 409:  # the gateway already has this ref
                return ""
            raise SmsError(f"cổng SMS trả lời HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError) as exc:
            raise SmsError(f"không kết nối được cổng SMS: {exc}") from None
        try:
            answer = json_loads(raw or b"{}")
        except ValueError:
            return ""
        return str(answer.get("id", ""))[:100] if isinstance(answer, dict) else ""


def get_backend() -> SmsBackend:
    path = getattr(settings, "MOTCUA_SMS_BACKEND", "motcua.integrations.sms.LogSmsBackend")
    return import_string(path)()  # type: ignore[no-any-return]
