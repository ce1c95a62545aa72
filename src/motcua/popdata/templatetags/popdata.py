"""``{% popdata_intake form %}`` on the counter intake page, ``{% popdata_dossier d %}`` on the
dossier page: the check button and the last result, rendered by this app."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from motcua.popdata import services

register = template.Library()


@register.inclusion_tag("popdata/_intake.html", takes_context=True)
def popdata_intake(context: Any, form: Any) -> dict[str, Any]:
    """The button; when the page comes back after a refused POST, the check sent with it."""
    request = context.get("request")
    v = None
    posted: Any = getattr(form, "data", {}) if getattr(form, "is_bound", False) else {}
    if request is not None and posted:
        from motcua.popdata.hooks import _posted_birth_date

        cleaned = getattr(form, "cleaned_data", {}) or {}
        v = services.counter_check_for(
            actor=request.user,
            check_id=posted.get("popdata_check"),
            id_number=cleaned.get("id_number") or posted.get("id_number", ""),
            full_name=cleaned.get("name") or posted.get("name", ""),
            birth_date=_posted_birth_date(posted),
        )
    return {
        "v": v,
        "birth_date": str(posted.get("popdata_birth_date", ""))[:10] if posted else "",
        "override_reason": posted.get("popdata_override_reason", "") if posted else "",
        "today": timezone.localdate(),
    }


@register.inclusion_tag("popdata/_dossier.html", takes_context=True)
def popdata_dossier(context: Any, d: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "d": d,
        "last": services.last_for(d),
        "can_check": user is not None and services.can_check_dossier(user, d),
        "csrf_token": context.get("csrf_token"),
    }
