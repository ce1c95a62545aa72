"""The small calls the shared pages make into this app (one line each at their end)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from motcua.dossiers.models import Dossier
from motcua.popdata import services
from motcua.popdata.forms import DATE_FORMATS


def _posted_birth_date(data: Any) -> dt.date | None:
    raw = str(data.get("popdata_birth_date", ""))[:20].strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def counter_problem(request: HttpRequest, form: Any) -> str | None:
    """Before a counter receipt: the message when the officer's check of these inputs did not
    match and no reason was given (the page comes back, nothing is received), else None."""
    if (form.cleaned_data.get("action") or "receive") != "receive":
        return None
    v = services.counter_check_for(
        actor=request.user,
        check_id=request.POST.get("popdata_check"),
        id_number=form.cleaned_data["id_number"],
        full_name=form.cleaned_data["name"],
        birth_date=_posted_birth_date(request.POST),
    )
    return services.override_required(v, request.POST.get("popdata_override_reason", ""))


def counter_received(request: HttpRequest, dossier: Dossier) -> None:
    """Inside the receipt's transaction: the officer's check goes with the dossier."""
    services.counter_attach(
        actor=request.user,
        dossier=dossier,
        check_id=request.POST.get("popdata_check"),
        birth_date=_posted_birth_date(request.POST),
        override_reason=str(request.POST.get("popdata_override_reason", ""))[:4000],
    )


def online_submitted(request: HttpRequest, dossier: Dossier) -> None:
    """After an online submission committed: check the account's identity (never raises)."""
    services.online_check(dossier=dossier, account=request.user)
